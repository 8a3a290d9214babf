"""Reference data for validation, read from the dbt seeds (the one copy of the project's reference facts)."""

import csv
from functools import lru_cache

from vigie.settings import SEEDS_DIR


def _rows(seed: str) -> list[dict[str, str]]:
    with open(SEEDS_DIR / f"{seed}.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@lru_cache(maxsize=1)
def code_lists() -> dict[str, frozenset[str]]:
    """Every code list of the protocol, by name; `department` comes from the regions seed."""
    lists: dict[str, set[str]] = {}
    for row in _rows("protocol_codes"):
        lists.setdefault(row["code_list"], set()).add(row["code"].upper())
    lists["department"] = {row["department_code"] for row in _rows("regions_departments")}
    return {name: frozenset(codes) for name, codes in lists.items()}


@lru_cache(maxsize=1)
def department_regions() -> dict[str, str]:
    return {row["department_code"]: row["region_code"] for row in _rows("regions_departments")}


@lru_cache(maxsize=1)
def ddd_table() -> dict[str, tuple[float, str]]:
    """`ATC|route` -> (DDD, unit): the WHO value unless a convention gives its own (as int_ddd_reference does)."""
    table = {f"{r['atc_code']}|{r['route']}": (float(r["ddd"]), r["unit"]) for r in _rows("who_atc_ddd")}
    table.update({f"{r['atc_code']}|{r['route']}": (float(r["ddd"]), r["unit"])
                  for r in _rows("ddd_conventions") if r["ddd"]})
    return table


@lru_cache(maxsize=1)
def ddd_keys() -> frozenset[str]:
    """`ATC|route` pairs that have a DDD, from WHO or from a project convention."""
    return frozenset(ddd_table())


@lru_cache(maxsize=1)
def ddd_conventions() -> dict[str, str]:
    """ATC code -> the convention recalled to senders, in French (one per code)."""
    return {r["atc_code"]: r["note_fr"] for r in _rows("ddd_conventions")}


@lru_cache(maxsize=1)
def antibiotic_codes() -> frozenset[str]:
    return frozenset(r["antibiotic_code"] for r in _rows("antibiotics"))


@lru_cache(maxsize=1)
def organism_names() -> frozenset[str]:
    """Organism codes, scientific names and their aliases, as the seeds write them."""
    names = {r[column] for r in _rows("organisms") for column in ("organism_code", "scientific_name")}
    return frozenset(names | {r["alias"] for r in _rows("organism_aliases")})

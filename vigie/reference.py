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
def ddd_keys() -> frozenset[str]:
    """`ATC|route` pairs that have a DDD, from WHO or from a project convention."""
    rows = _rows("who_atc_ddd") + _rows("ddd_conventions")
    return frozenset(f"{row['atc_code']}|{row['route']}" for row in rows)


@lru_cache(maxsize=1)
def ddd_table() -> dict[str, tuple[float, str]]:
    """`ATC|route` -> (DDD, unit); a convention overrides WHO."""
    table = {f"{r['atc_code']}|{r['route']}": (float(r["ddd"]), r["unit"]) for r in _rows("who_atc_ddd")}
    table.update({f"{r['atc_code']}|{r['route']}": (float(r["ddd"]), r["unit"]) for r in _rows("ddd_conventions")})
    return table


@lru_cache(maxsize=1)
def organism_names() -> frozenset[str]:
    """Organism codes and scientific names, upper-cased, as a submission may give either."""
    rows = _rows("organisms")
    return frozenset({r["organism_code"].upper() for r in rows} | {r["scientific_name"].upper() for r in rows})


@lru_cache(maxsize=1)
def antibiotic_codes() -> frozenset[str]:
    return frozenset(r["antibiotic_code"] for r in _rows("antibiotics"))

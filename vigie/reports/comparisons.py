"""An establishment's indicators against its peers and the nation, as every hospital mission's sections show them:
read once from marts.establishment_comparisons (disclosure-controlled), laid out the same way everywhere."""

import polars as pl

from vigie import french
from vigie.reports.document import NUMBER, QUARTILES, TEXT, Column
from vigie.reports.mechanism import ParticipantData, Source, number_or_none

COMPARISONS = Source("establishment_comparisons", """
SELECT c.finess AS participant_id, c.* EXCLUDE (finess)
FROM marts.establishment_comparisons c
JOIN report_targets t ON t.participant_id = c.finess AND t.year = c.year
""")


def rows(data: ParticipantData, indicator: str) -> list[dict]:
    return data.frames[COMPARISONS.name].filter(pl.col("indicator") == indicator).to_dicts()


def position_columns(unit: str, digits: int = 1) -> list[Column]:
    return [Column("Percentile", NUMBER, 0), Column("Groupe : P25 – médiane – P75", QUARTILES, digits, unit),
            Column("Groupe de comparaison", TEXT)]


def group(row: dict) -> str:
    if row["peer_group"] is None:
        return "aucun (effectif trop faible)"
    code = f" {row['peer_group_code']}" if row["peer_group"] == "category" else ""
    return f"{row['peer_group_label']}{code}, n = {french.number(row['peer_group_size'], 0)}"


def position(row: dict) -> list:
    """Percentile (only for a value that enters the distribution), quartiles and group of a comparison row."""
    quartiles = None if row["p50"] is None else (row["p25"], row["p50"], row["p75"])
    percentile = number_or_none(row["percentile"]) if row["eligible"] else None
    return [percentile, quartiles, group(row)]


def interval(row: dict, low: str = "ci_low", high: str = "ci_high"):
    return None if row[low] is None else (row[low], row[high])


def remark(row: dict, small: str, previous: bool = True) -> str:
    """The flags of a row: its own small count, and its previous year's."""
    notes = []
    if row["low_count"]:
        notes.append(f"{small} : à interpréter avec prudence")
    if previous and row.get("previous_low_count"):
        notes.append(f"année précédente : {small}")
    return " ; ".join(notes)

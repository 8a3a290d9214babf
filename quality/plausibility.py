"""Plausibility warnings on SPARES consumption: an establishment's DDD per 1000 patient-days out of
range, or far from its own previous year. Computed per submission before it is loaded."""

import polars as pl

from quality.rules import WARNING
from quality.validate import Finding
from vigie.reference import ddd_table

RATE_RANGE = (5.0, 5000.0)
MAX_YEARLY_CHANGE = 0.5
SPARES_SCOPE_PREFIXES = ("J01", "J04AB02", "P01AB01", "P01AB03", "A07AA12")
TO_BASE_UNIT = {"G": ("g", 1.0), "MG": ("g", 0.001), "MU": ("MU", 1.0)}


def ddd_frame() -> pl.DataFrame:
    """DDD per ATC and route in its base unit (g or MU), conventions included."""
    rows = []
    for key, (ddd, unit) in ddd_table().items():
        atc, route = key.split("|")
        base, factor = TO_BASE_UNIT[unit.upper()]
        rows.append((atc, route, ddd * factor, base))
    return pl.DataFrame(rows, schema=["atc_code", "route", "ddd_base", "base_unit"], orient="row")


def ddd_by_establishment(consumption: pl.DataFrame) -> pl.DataFrame:
    """Sum of DDD in the SPARES scope per finess and year (quantities converted to the DDD's unit)."""
    units = pl.DataFrame([(u, b, f) for u, (b, f) in TO_BASE_UNIT.items()], schema=["unit", "unit_base", "factor"],
                         orient="row")
    in_scope = pl.any_horizontal(pl.col("atc_code").str.starts_with(p) for p in SPARES_SCOPE_PREFIXES)
    return (
        consumption.filter(in_scope)
        .join(units, on="unit")
        .join(ddd_frame(), on=["atc_code", "route"])
        .filter(pl.col("unit_base") == pl.col("base_unit"))
        .group_by("finess", "year")
        .agg((pl.col("quantity") * pl.col("factor") / pl.col("ddd_base")).sum().alias("ddd"))
    )


CURRENT = ("JOIN raw.submission_keys k ON k.submission_id = t._submission_id AND k.key_value = t._key "
           "AND k.superseded_by IS NULL")


def current_patient_days(con) -> pl.DataFrame:
    return con.sql(f"SELECT t.finess, t.year, sum(t.patient_days) AS patient_days FROM raw.spares_activity t "
                   f"{CURRENT} GROUP BY ALL").pl()


def current_rates(con, days: pl.DataFrame) -> pl.DataFrame:
    """DDD per 1000 patient-days of every establishment-year already in the warehouse (current data)."""
    consumption = con.sql(f"SELECT t.finess, t.year, t.atc_code, t.route, t.quantity, t.unit "
                          f"FROM raw.spares_consumption t {CURRENT}").pl()
    return _rates(ddd_by_establishment(consumption), days)


def _rates(ddd: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    return ddd.join(days, on=["finess", "year"]).with_columns(
        (pl.col("ddd") / pl.col("patient_days") * 1000).alias("rate")
    )


def check_consumption(typed: pl.DataFrame, con) -> list[Finding]:
    """Warnings for the submissions in `typed` (typed consumption rows with `_submission_id`)."""
    days = current_patient_days(con)
    previous = current_rates(con, days).select(
        "finess", (pl.col("year") + 1).alias("year"), pl.col("rate").alias("previous"))
    findings = []
    for (submission_id,), rows in typed.group_by("_submission_id"):
        rates = _rates(ddd_by_establishment(rows), days)
        for finess, year, rate, prev in rates.join(previous, on=["finess", "year"], how="left").select(
                "finess", "year", "rate", "previous").iter_rows():
            findings += _rate_findings(submission_id, finess, year, rate, prev)
    return findings


def _rate_findings(submission_id, finess, year, rate, previous) -> list[Finding]:
    found = []
    value = f"{finess} {year} : {rate:.1f} DDJ/1000 JH"
    if not RATE_RANGE[0] <= rate <= RATE_RANGE[1]:
        found.append(Finding(submission_id, "plausibility.ddd_rate", ["quantity"], WARNING,
                             f"consommation peu plausible : hors de l'intervalle {RATE_RANGE[0]:g}-{RATE_RANGE[1]:g} "
                             "DDJ pour 1000 journées d'hospitalisation (vérifiez les unités et les journées)",
                             [], [value], 1))
    if previous and abs(rate / previous - 1) > MAX_YEARLY_CHANGE:
        found.append(Finding(submission_id, "plausibility.ddd_trend", ["quantity"], WARNING,
                             f"consommation en variation de plus de ±{MAX_YEARLY_CHANGE:.0%} par rapport à l'année "
                             "précédente : vérifiez l'extraction",
                             [], [f"{value} (année précédente : {previous:.1f})"], 1))
    return found

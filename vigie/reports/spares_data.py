"""What an establishment's SPARES feedback shows, read from the marts."""

from dataclasses import dataclass

import polars as pl

KEY_RESISTANCES = [("ESCCOL", "CTX"), ("ESCCOL", "CIP"), ("KLEPNE", "CTX"), ("KLEPNE", "MEM"),
                   ("STAAUR", "FOX"), ("ENCFAI", "VAN"), ("PSEAER", "MEM")]


@dataclass
class EstablishmentData:
    finess: str
    name: str
    category: str
    region_code: str
    year: int
    by_sector: pl.DataFrame
    by_group: pl.DataFrame
    history: pl.DataFrame
    resistance: pl.DataFrame
    incidence: pl.DataFrame


POSITION = """
WITH ranked AS (
    SELECT *, percent_rank() OVER (PARTITION BY year, category, sector, atc_group
                                   ORDER BY ddd_per_1000_patient_days) AS percentile
    FROM intermediate.int_establishment_consumption_rates WHERE category IS NOT NULL
)
SELECT r.finess, r.sector, r.atc_group, r.ddd, r.patient_days, r.ddd_per_1000_patient_days AS rate,
       100 * r.percentile AS percentile, b.p25, b.p50, b.p75, b.n_establishments AS peers
FROM ranked r
JOIN feedback_targets t ON t.finess = r.finess AND t.year = r.year
LEFT JOIN marts.consumption_benchmark b
     ON b.year = r.year AND b.category = r.category AND b.sector = r.sector AND b.atc_group = r.atc_group
WHERE {where}
ORDER BY r.finess, r.sector, r.atc_group
"""


# An establishment among its category's establishments: percentile, P25-P75, median (only figures on
# at least 30 tested isolates enter a distribution), its previous year and the national figure.
RESISTANCE = """
WITH peers AS (
    SELECT r.*, est.category FROM marts.resistance_rates r
    JOIN staging.stg_establishments est ON est.finess = r.geo_code
    WHERE r.geo_level = 'establishment' AND r.setting = 'HOSP' AND NOT r.low_count
),
distribution AS (
    SELECT year, category, organism, antibiotic, quantile_cont(pct_resistant, 0.25) AS p25,
           quantile_cont(pct_resistant, 0.5) AS p50, quantile_cont(pct_resistant, 0.75) AS p75, count(*) AS peers
    FROM peers GROUP BY ALL
),
ranked AS (
    SELECT geo_code, year, organism, antibiotic,
           100 * percent_rank() OVER (PARTITION BY year, category, organism, antibiotic ORDER BY pct_resistant)
           AS percentile
    FROM peers
)
SELECT e.geo_code AS finess, e.organism, e.antibiotic, e.n_tested, e.pct_resistant, e.ci_low, e.ci_high, e.low_count,
       ranked.percentile, distribution.p25, distribution.p50, distribution.p75, distribution.peers,
       previous.pct_resistant AS previous_pct, national.pct_resistant AS national_pct
FROM marts.resistance_rates e
LEFT JOIN staging.stg_establishments est ON est.finess = e.geo_code
LEFT JOIN distribution ON distribution.year = e.year AND distribution.category = est.category
     AND distribution.organism = e.organism AND distribution.antibiotic = e.antibiotic
LEFT JOIN ranked ON ranked.geo_code = e.geo_code AND ranked.year = e.year
     AND ranked.organism = e.organism AND ranked.antibiotic = e.antibiotic
LEFT JOIN marts.resistance_rates previous ON previous.geo_level = 'establishment' AND previous.geo_code = e.geo_code
     AND previous.year = e.year - 1 AND previous.setting = e.setting
     AND previous.organism = e.organism AND previous.antibiotic = e.antibiotic
LEFT JOIN marts.resistance_rates national ON national.geo_level = 'national' AND national.year = e.year
     AND national.setting = e.setting AND national.organism = e.organism AND national.antibiotic = e.antibiotic
JOIN feedback_targets t ON t.finess = e.geo_code AND t.year = e.year
WHERE e.geo_level = 'establishment' AND e.setting = 'HOSP' AND ({pairs})
ORDER BY e.geo_code, e.organism, e.antibiotic
"""

INCIDENCE = """
WITH peers AS (
    SELECT r.*, est.category FROM marts.resistant_incidence r
    JOIN staging.stg_establishments est ON est.finess = r.geo_code
    WHERE r.geo_level = 'establishment' AND r.sector = 'ALL'
),
distribution AS (
    SELECT year, category, phenotype, quantile_cont(per_1000_patient_days, 0.25) AS p25,
           quantile_cont(per_1000_patient_days, 0.5) AS p50, quantile_cont(per_1000_patient_days, 0.75) AS p75
    FROM peers GROUP BY ALL
),
ranked AS (
    SELECT geo_code, year, phenotype, 100 * percent_rank() OVER (
        PARTITION BY year, category, phenotype ORDER BY per_1000_patient_days) AS percentile
    FROM peers
)
SELECT e.geo_code AS finess, e.phenotype, e.n_patients, e.per_1000_patient_days AS rate, e.ci_low, e.ci_high, ranked.percentile,
       distribution.p25, distribution.p50, distribution.p75, previous.per_1000_patient_days AS previous_rate,
       national.per_1000_patient_days AS national_rate
FROM marts.resistant_incidence e
LEFT JOIN staging.stg_establishments est ON est.finess = e.geo_code
LEFT JOIN distribution ON distribution.year = e.year AND distribution.category = est.category
     AND distribution.phenotype = e.phenotype
LEFT JOIN ranked ON ranked.geo_code = e.geo_code AND ranked.year = e.year AND ranked.phenotype = e.phenotype
LEFT JOIN marts.resistant_incidence previous ON previous.geo_level = 'establishment'
     AND previous.geo_code = e.geo_code AND previous.year = e.year - 1 AND previous.sector = e.sector
     AND previous.phenotype = e.phenotype
LEFT JOIN marts.resistant_incidence national ON national.geo_level = 'national' AND national.year = e.year
     AND national.sector = e.sector AND national.phenotype = e.phenotype
JOIN feedback_targets t ON t.finess = e.geo_code AND t.year = e.year
WHERE e.geo_level = 'establishment' AND e.sector = 'ALL'
ORDER BY e.geo_code, e.phenotype
"""


def establishments_with_data(con, year: int | None = None) -> list[tuple[str, int]]:
    """(FINESS, latest year) of every establishment in the consumption marts."""
    where = "" if year is None else f"WHERE year = {int(year)}"
    return con.sql(f"SELECT finess, max(year) FROM intermediate.int_establishment_consumption_rates {where} "
                   "GROUP BY finess ORDER BY finess").fetchall()


IDENTITY = """
SELECT t.finess, coalesce(e.name, t.finess) AS name, coalesce(e.category, '?') AS category,
       coalesce(r.region_code, '?') AS region_code, t.year
FROM feedback_targets t
LEFT JOIN staging.stg_establishments e USING (finess)
LEFT JOIN reference.regions_departments r ON r.department_code = e.department
"""
HISTORY = """
SELECT c.geo_code AS finess, c.year, c.atc_group, c.ddd_per_1000_patient_days AS rate
FROM marts.consumption_rates c JOIN (SELECT DISTINCT finess FROM feedback_targets) t ON t.finess = c.geo_code
WHERE c.geo_level = 'establishment' AND c.sector = 'ALL' AND c.atc_group IN ('ALL', 'ACCESS', 'WATCH', 'RESERVE', 'J01')
ORDER BY c.geo_code, c.year
"""


def load_all(con, targets: list[tuple[str, int]]):
    """Yields the data of each (FINESS, year): each query runs once for all establishments."""
    con.register("feedback_targets", pl.DataFrame(targets, schema=["finess", "year"], orient="row"))
    pairs = " OR ".join(f"(e.organism = '{o}' AND e.antibiotic = '{a}')" for o, a in KEY_RESISTANCES)
    queries = {
        "by_sector": POSITION.format(where="r.atc_group = 'ALL'"), "by_group": POSITION.format(where="r.sector = 'ALL'"),
        "history": HISTORY, "resistance": RESISTANCE.format(pairs=pairs), "incidence": INCIDENCE,
    }
    frames = {name: con.sql(sql).pl() for name, sql in queries.items()}
    parts = {name: _by_finess(frame) for name, frame in frames.items()}
    for finess, name, category, region, year in con.sql(IDENTITY).fetchall():
        own = {key: parts[key].get(finess, frames[key].clear().drop("finess")) for key in queries}
        yield EstablishmentData(finess, name, category, region, year, **own)
    con.unregister("feedback_targets")


def _by_finess(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    return {key[0]: part.drop("finess") for key, part in frame.partition_by("finess", as_dict=True).items()}

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
SELECT r.sector, r.atc_group, r.ddd, r.patient_days, r.ddd_per_1000_patient_days AS rate,
       100 * r.percentile AS percentile, b.p25, b.p50, b.p75, b.n_establishments AS peers
FROM ranked r
LEFT JOIN marts.consumption_benchmark b USING (year, category, sector, atc_group)
WHERE r.finess = $finess AND r.year = $year AND {where}
ORDER BY r.sector, r.atc_group
"""


def establishments_with_data(con, year: int | None = None) -> list[tuple[str, int]]:
    """(FINESS, latest year) of every establishment in the consumption marts."""
    where = "" if year is None else f"WHERE year = {int(year)}"
    return con.sql(f"SELECT finess, max(year) FROM intermediate.int_establishment_consumption_rates {where} "
                   "GROUP BY finess ORDER BY finess").fetchall()


def load(con, finess: str, year: int) -> EstablishmentData:
    params = {"finess": finess, "year": year}
    [(name, category, region)] = con.sql(
        """SELECT coalesce(any_value(e.name), $finess), coalesce(any_value(e.category), '?'),
                  coalesce(any_value(r.region_code), '?')
           FROM (SELECT $finess AS finess) f LEFT JOIN staging.stg_establishments e USING (finess)
           LEFT JOIN reference.regions_departments r ON r.department_code = e.department""",
        params={"finess": finess}).fetchall()
    by_sector = con.sql(POSITION.format(where="r.atc_group = 'ALL'"), params=params).pl()
    by_group = con.sql(POSITION.format(where="r.sector = 'ALL'"), params=params).pl()
    history = con.sql("""SELECT year, atc_group, ddd_per_1000_patient_days AS rate FROM marts.consumption_rates
                         WHERE geo_level = 'establishment' AND geo_code = $finess AND sector = 'ALL'
                         AND atc_group IN ('ALL', 'ACCESS', 'WATCH', 'RESERVE', 'J01') ORDER BY year""",
                      params={"finess": finess}).pl()
    pairs = " OR ".join(f"(e.organism = '{o}' AND e.antibiotic = '{a}')" for o, a in KEY_RESISTANCES)
    resistance = con.sql(f"""
        SELECT e.organism, e.antibiotic, e.n_tested, e.pct_resistant, e.ci_low, e.ci_high, e.low_count,
               n.pct_resistant AS national_pct
        FROM marts.resistance_rates e
        LEFT JOIN marts.resistance_rates n ON n.geo_level = 'national' AND n.year = e.year
             AND n.setting = e.setting AND n.organism = e.organism AND n.antibiotic = e.antibiotic
        WHERE e.geo_level = 'establishment' AND e.geo_code = $finess AND e.year = $year AND e.setting = 'HOSP'
          AND ({pairs})
        ORDER BY e.organism, e.antibiotic""", params=params).pl()
    incidence = con.sql("""
        SELECT e.phenotype, e.n_patients, e.per_1000_patient_days AS rate, e.ci_low, e.ci_high,
               n.per_1000_patient_days AS national_rate
        FROM marts.resistant_incidence e
        LEFT JOIN marts.resistant_incidence n ON n.geo_level = 'national' AND n.year = e.year
             AND n.sector = e.sector AND n.phenotype = e.phenotype
        WHERE e.geo_level = 'establishment' AND e.geo_code = $finess AND e.year = $year AND e.sector = 'ALL'
        ORDER BY e.phenotype""", params=params).pl()
    return EstablishmentData(finess, name, category, region, year, by_sector, by_group, history, resistance, incidence)

"""Incidence density of resistant bacteria per 1000 patient-days, with exact Poisson 95 % intervals
(computed in Python: SQL has no chi-square quantile); counts under the disclosure threshold are flagged."""

from functools import lru_cache


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import poisson_exact_interval

    interval = lru_cache(maxsize=None)(poisson_exact_interval)
    thresholds = dbt.ref("disclosure_thresholds").df().set_index("threshold")["value"]
    counts = dbt.ref("int_resistant_counts").df()
    per_day = 1000 / counts["patient_days"].where(counts["patient_days"] > 0)
    bounds = [interval(int(n)) for n in counts["n_patients"]]
    counts["per_1000_patient_days"] = counts["n_patients"] * per_day
    counts["ci_low"] = [low for low, _ in bounds] * per_day
    counts["ci_high"] = [high for _, high in bounds] * per_day
    counts["low_count"] = counts["n_patients"] < thresholds["min_patients_incidence"]
    return counts[["year", "geo_level", "geo_code", "sector", "phenotype", "n_patients", "patient_days",
                   "per_1000_patient_days", "ci_low", "ci_high", "low_count", "n_establishments"]]

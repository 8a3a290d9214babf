"""Incidence density of resistant bacteria per 1000 patient-days, with exact Poisson 95 % intervals
(computed in Python: SQL has no chi-square quantile); counts under the disclosure threshold are flagged."""


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import with_poisson_rate

    thresholds = dbt.ref("disclosure_thresholds").df().set_index("threshold")["value"]
    counts = with_poisson_rate(dbt.ref("int_resistant_counts").df(), "n_patients", "patient_days", 1000)
    counts = counts.rename(columns={"rate": "per_1000_patient_days"})
    counts["low_count"] = counts["n_patients"] < thresholds["min_patients_incidence"]
    return counts[["year", "geo_level", "geo_code", "sector", "phenotype", "n_patients", "patient_days",
                   "per_1000_patient_days", "ci_low", "ci_high", "low_count", "n_establishments"]]

"""SPIADI: healthcare-associated bacteraemia acquired in the establishment per 1000 patient-days, with exact Poisson
95 % intervals, and the share linked to a device; episodes acquired elsewhere counted apart."""


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import with_poisson_rate

    counts = with_poisson_rate(dbt.ref("int_bacteremia_counts").df(), "n_episodes", "patient_days", 1000)
    counts = counts.rename(columns={"rate": "per_1000_patient_days"})
    counts["pct_device_associated"] = 100 * counts["n_device_associated"] / counts["n_episodes"].where(
        counts["n_episodes"] > 0)
    return counts[["year", "geo_level", "geo_code", "sector", "n_episodes", "patient_days", "per_1000_patient_days",
                   "ci_low", "ci_high", "n_device_associated", "pct_device_associated", "n_other_es", "n_community",
                   "n_establishments"]]

"""SPIADI: bacteraemia acquired in the establishment with a device as portal of entry, per 1000 device-days of that
device (CVC, PICC, PORT, PVC), with exact Poisson 95 % intervals."""


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import with_poisson_rate

    counts = with_poisson_rate(dbt.ref("int_device_counts").df(), "n_episodes", "device_days", 1000)
    counts = counts.rename(columns={"rate": "per_1000_device_days"})
    return counts[["year", "geo_level", "geo_code", "sector", "device", "n_episodes", "device_days",
                   "per_1000_device_days", "ci_low", "ci_high", "n_establishments"]]

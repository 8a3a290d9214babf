"""Resistance among first blood isolates, per phenotype and organism (a species or a group), year and area: the share of tested
isolates that are positive (Wilson 95 %), and bloodstream infections with a resistant organism per 100 000
inhabitants (exact Poisson 95 %, computed in Python: SQL has no chi-square quantile), the EU 2030 indicators."""


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import with_poisson_rate

    counts = with_poisson_rate(dbt.ref("int_blood_resistance_counts").df(), "n_resistant", "population", 100_000,
                               prefix="incidence_")
    counts = counts.rename(columns={"incidence_rate": "per_100000_inhabitants"})
    return counts[["year", "geo_level", "geo_code", "phenotype", "organism", "n_tested", "n_resistant", "pct",
                   "ci_low", "ci_high", "low_count", "population", "per_100000_inhabitants", "incidence_ci_low",
                   "incidence_ci_high"]]

"""SPICMI: standardised infection ratio of each establishment, per procedure and for all procedures: observed SSI
over the SSI expected from the national NNIS-stratum rates, with the exact Poisson 95 % interval of the observed
count divided by the expected; flagged when fewer than one SSI is expected."""


def model(dbt, session):
    dbt.config(materialized="table")
    from vigie.statistics import with_poisson_rate

    counts = with_poisson_rate(dbt.ref("int_ssi_expected").df(), "observed", "expected", 1)
    counts = counts.rename(columns={"rate": "sir"})
    counts["expected_under_one"] = counts["expected"] < 1
    return counts[["finess", "year", "procedure_code", "n_procedures", "observed", "expected", "sir", "ci_low",
                   "ci_high", "expected_under_one"]]

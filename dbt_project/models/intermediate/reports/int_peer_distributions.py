"""Peer distributions that may be shown to an establishment: per indicator, year, strata and peer group
(category, region, nation: the peer_groups seed), the quartiles of the eligible establishments' values, only
where the group holds at least the disclosure threshold of establishments.

Quartiles are Harrell-Davis estimates: each is a weighted mean of every value of the group, never one
establishment's value, so that a participant who knows its own value and rank cannot work out a peer's."""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from vigie.statistics import harrell_davis_quantiles

    thresholds = dbt.ref("disclosure_thresholds").df().set_index("threshold")["value"]
    minimum = int(thresholds["min_establishments_per_distribution"])
    groups = dbt.ref("peer_groups").df().query("participant_kind == 'establishment'")
    indicators = dbt.ref("int_establishment_indicators").df()
    eligible = indicators[indicators["eligible"] & indicators["value"].notna()]
    strata = ["indicator", "year", "stratum_1", "stratum_2"]
    codes = {"category": eligible["category"], "region": eligible["region_code"],
             "national": pd.Series("FR", index=eligible.index)}
    rows = []
    for peer_group in groups["peer_group"]:
        members = eligible.assign(peer_group=peer_group, group_code=codes[peer_group]).dropna(subset=["group_code"])
        for key, values in members.groupby(strata + ["peer_group", "group_code"])["value"]:
            if len(values) >= minimum:
                p25, p50, p75 = harrell_davis_quantiles(values.to_numpy(), (0.25, 0.5, 0.75))
                rows.append((*key, len(values), p25, p50, p75))
    columns = strata + ["peer_group", "group_code", "n_establishments", "p25", "p50", "p75"]
    types = {"year": "int32", "n_establishments": "int64", "p25": "float64", "p50": "float64", "p75": "float64"}
    return pd.DataFrame(rows, columns=columns).astype(types)

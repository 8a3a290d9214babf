"""Each establishment on the funnel plot of each indicator and year: its value, the national value and the exact
95 % and 99.8 % control limits for its exposure (Poisson or binomial, funnel_indicators seed; Spiegelhalter 2005),
and where it falls, with the indicator's dispersion ratio (about 1 when the limits hold). Limits are computed in
Python: SQL has no Poisson or binomial quantile."""

COLUMNS = ["year", "indicator", "finess", "region_code", "count", "exposure", "value", "national_value",
           "lower_998", "lower_95", "upper_95", "upper_998", "position", "dispersion_ratio"]


def _position(row) -> str:
    for column, name in (("upper_998", "above_998"), ("upper_95", "above_95")):
        if row["value"] > row[column]:
            return name
    for column, name in (("lower_998", "below_998"), ("lower_95", "below_95")):
        if row["value"] < row[column]:
            return name
    return "within"


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from vigie.statistics import dispersion_ratio, with_funnel_limits

    indicators = dbt.ref("funnel_indicators").df().set_index("indicator")
    frames = []
    for (indicator, year), group in dbt.ref("int_funnel_inputs").df().groupby(["indicator", "year"]):
        per, distribution = indicators.loc[indicator, "per"], indicators.loc[indicator, "distribution"]
        rate = group["national_rate"].iloc[0]
        group = group.assign(value=group["count"] / group["exposure"] * per, national_value=rate * per,
                             dispersion_ratio=dispersion_ratio(group["count"], rate, group["exposure"], distribution))
        frames.append(with_funnel_limits(group, "national_rate", "exposure", distribution, per))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    points = pd.concat(frames, ignore_index=True)
    points["position"] = points.apply(_position, axis=1)
    return points[COLUMNS]

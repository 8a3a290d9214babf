"""The control limits of each funnel plot drawn as curves: for each indicator and year, 60 exposures spread
geometrically over the range of the establishments' exposures, with the national value and the 95 % and 99.8 %
limits at each (the computation of establishment_funnel_points)."""

COLUMNS = ["year", "indicator", "exposure", "national_value", "lower_998", "lower_95", "upper_95", "upper_998"]
POINTS = 60


def model(dbt, session):
    dbt.config(materialized="table")
    import numpy as np
    import pandas as pd

    from vigie.statistics import with_funnel_limits

    indicators = dbt.ref("funnel_indicators").df().set_index("indicator")
    frames = []
    for (indicator, year), group in dbt.ref("int_funnel_inputs").df().groupby(["indicator", "year"]):
        per, distribution = indicators.loc[indicator, "per"], indicators.loc[indicator, "distribution"]
        exposures = np.geomspace(group["exposure"].min() / 2, group["exposure"].max() * 1.5, POINTS)
        curve = pd.DataFrame({"year": year, "indicator": indicator, "exposure": exposures,
                              "national_rate": group["national_rate"].iloc[0]})
        curve["national_value"] = curve["national_rate"] * per
        frames.append(with_funnel_limits(curve, "national_rate", "exposure", distribution, per))
    return pd.concat(frames, ignore_index=True)[COLUMNS] if frames else pd.DataFrame(columns=COLUMNS)

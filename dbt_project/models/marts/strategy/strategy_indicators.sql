-- Impact indicators of the national strategy and the EU 2030 targets, per year and area, against their baseline and
-- target (indicator_targets seed). A change target (change_at_most) is met when the value is at most the baseline
-- changed by the target percentage. Status: no_target; insufficient_data (no value, too few isolates, no baseline
-- for a change target or a year before it, or a single year to project from); met; off_track when the target year
-- is reached without meeting it; otherwise on_track when the least-squares trend of the years held up to this one,
-- extended to the target year, meets the target, off_track when it does not.
with indicators as (
    select * from {{ ref('indicator_targets') }}
),

values_with_baseline as (
    select
        measured.*,
        baseline.value as baseline_value,
        regr_slope(measured.value, measured.year) over trend as slope_per_year,
        count(measured.value) over trend as n_years
    from {{ ref('int_strategy_indicator_values') }} as measured
    inner join indicators using (indicator_code)
    left join {{ ref('int_strategy_indicator_values') }} as baseline
        on baseline.indicator_code = measured.indicator_code and baseline.geo_level = measured.geo_level
        and baseline.geo_code = measured.geo_code and baseline.year = indicators.baseline_year
    window trend as (
        partition by measured.indicator_code, measured.geo_level, measured.geo_code
        order by measured.year rows between unbounded preceding and current row
    )
),

assessed as (
    select
        measured.*,
        indicators.label_fr,
        indicators.framework,
        indicators.unit,
        indicators.baseline_year,
        indicators.target_value as target,
        indicators.comparison,
        indicators.target_year,
        case indicators.comparison
            when 'change_at_most' then measured.baseline_value * (1 + indicators.target_value / 100)
            else indicators.target_value
        end as target_level,
        case when measured.n_years >= 2
            then measured.value + measured.slope_per_year * (indicators.target_year - measured.year)
        end as projected_value
    from values_with_baseline as measured
    inner join indicators using (indicator_code)
)

select
    indicator_code,
    label_fr,
    framework,
    year,
    geo_level,
    geo_code,
    value,
    unit,
    numerator,
    denominator,
    ci_low,
    ci_high,
    baseline_year,
    baseline_value,
    100 * (value - baseline_value) / nullif(baseline_value, 0) as change_vs_baseline_pct,
    target,
    comparison,
    target_level,
    target_year,
    projected_value,
    case
        when target is null then 'no_target'
        when value is null or low_count or target_level is null then 'insufficient_data'
        when comparison = 'change_at_most' and year < baseline_year then 'insufficient_data'
        when (comparison = 'at_least' and value >= target_level)
            or (comparison <> 'at_least' and value <= target_level) then 'met'
        when year >= target_year then 'off_track'
        when projected_value is null then 'insufficient_data'
        when (comparison = 'at_least' and projected_value >= target_level)
            or (comparison <> 'at_least' and projected_value <= target_level) then 'on_track'
        else 'off_track'
    end as status
from assessed

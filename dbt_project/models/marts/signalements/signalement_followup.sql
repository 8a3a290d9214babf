-- Follow-up of IAS reports (art. R1413-79): per year, month (and ALL) and level (national, region), in all and by
-- criterion and by resistance: reports, cases, deaths, share needing CPias support, median delay from the first case
-- to the report, median time to closure, reports still open and their median age (as of the latest extraction).
with reports as (
    select * from {{ ref('int_signalements') }}
),

breakdowns as (
    select *, 'ALL' as breakdown, 'ALL' as code from reports
    union all
    select * exclude (code), 'criterion', code from (select *, unnest(criteria) as code from reports)
    union all
    select *, 'resistance', resistance from reports
),

levels as (
    {{ geo_fan_out('breakdowns', [['national', "'FR'"], ['region', 'region_code']]) }}
)

select
    year,
    case when grouping(month) = 1 then 'ALL' else month end as month,
    geo_level,
    geo_code,
    breakdown,
    code,
    count(*) as n_reports,
    sum(cases) as n_cases,
    sum(deaths) as n_deaths,
    count(*) filter (where cpias_support) as n_cpias_support,
    100.0 * count(*) filter (where cpias_support) / count(*) as pct_cpias_support,
    median(delay_days) as median_delay_days,
    median(closure_days) as median_closure_days,
    count(*) filter (where is_open) as n_open,
    median(open_age_days) as median_open_age_days
from levels
group by grouping sets ((year, month, geo_level, geo_code, breakdown, code), (year, geo_level, geo_code, breakdown, code))

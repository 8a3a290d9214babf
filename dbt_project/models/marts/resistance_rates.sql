-- Proportion resistant %R = R / (S + I + R) on first isolates, with Wilson 95 % intervals, per year,
-- level, setting, organism and antibiotic. Fewer than 30 tested isolates are flagged (CLSI M39).
with results as (
    select
        first_isolates.year,
        first_isolates.setting,
        first_isolates.source_id,
        geography.region_code,
        first_isolates.organism,
        tests.antibiotic,
        tests.sir
    from {{ ref('int_first_isolates') }} as first_isolates
    inner join {{ ref('stg_isolates') }} as tests using (source_id, isolate_id)
    left join {{ ref('int_isolate_geography') }} as geography using (source_id, isolate_id)
    where tests.sir in ('S', 'I', 'R')
),

levels as (
    select *, 'national' as geo_level, 'FR' as geo_code from results
    union all
    select *, 'region', region_code from results where region_code is not null
    union all
    select *, 'establishment', source_id from results
),

counts as (
    select
        year, geo_level, geo_code, setting, organism, antibiotic,
        count(*) as n_tested,
        count(*) filter (where sir = 'R') as n_resistant
    from levels
    group by all
)

select
    counts.*,
    100.0 * n_resistant / n_tested as pct_resistant,
    {{ wilson_bound('n_resistant', 'n_tested', -1) }} as ci_low,
    {{ wilson_bound('n_resistant', 'n_tested', 1) }} as ci_high,
    n_tested < 30 as low_count
from counts

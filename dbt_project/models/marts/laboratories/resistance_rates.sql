-- Proportion resistant %R = R / (S + I + R) and %I+R on first isolates, with Wilson 95 % intervals for %R, per
-- year, level, setting, organism and antibiotic. Results on fewer tested isolates than the disclosure threshold
-- (30, CLSI M39) are flagged.
with results as (
    -- counted per source and cell first: the fan-out then copies counts, not every result
    select
        first_isolates.year,
        first_isolates.setting,
        first_isolates.source_id,
        geography.region_code,
        first_isolates.organism,
        tests.antibiotic,
        count(*) as n_tested,
        count(*) filter (where tests.sir = 'R') as n_resistant,
        count(*) filter (where tests.sir in ('I', 'R')) as n_intermediate_or_resistant
    from {{ ref('int_first_isolates') }} as first_isolates
    inner join {{ ref('int_isolate_tests') }} as tests using (source_id, year, isolate_id)
    left join {{ ref('int_isolate_geography') }} as geography using (source_id, year, isolate_id)
    group by all
),

levels as (
    {{ geo_fan_out('results', [['national', "'FR'"], ['region', 'region_code'], ['establishment', 'source_id']]) }}
),

counts as (
    select
        year, geo_level, geo_code, setting, organism, antibiotic,
        sum(n_tested)::bigint as n_tested,
        sum(n_resistant)::bigint as n_resistant,
        sum(n_intermediate_or_resistant)::bigint as n_intermediate_or_resistant
    from levels
    group by year, geo_level, geo_code, setting, organism, antibiotic
)

select
    year, geo_level, geo_code, setting, organism, antibiotic, n_tested, n_resistant,
    {{ proportion_columns('n_resistant', 'n_tested', 'pct_resistant') }},
    n_intermediate_or_resistant,
    100.0 * n_intermediate_or_resistant / n_tested as pct_intermediate_or_resistant
from counts

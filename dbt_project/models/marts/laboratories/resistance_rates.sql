-- Proportion resistant %R = R / (S + I + R) and %I+R on first isolates, with Wilson 95 % intervals for %R, per
-- year, level, setting, organism and antibiotic. Results on fewer tested isolates than the disclosure threshold
-- (30, CLSI M39) are flagged.
with results as (
    -- counted per submission and cell (int_resistance_counts): the fan-out then copies counts, not every result
    {{ with_region_code(ref('int_resistance_counts')) }}
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

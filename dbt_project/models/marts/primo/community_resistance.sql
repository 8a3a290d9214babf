-- PRIMO: resistance of urinary first isolates in the community and in nursing homes, per year, level (national,
-- region, the patient's département), setting, age group and sex (ALL included), organism and antibiotic, with
-- Wilson 95 % intervals; small counts flagged (disclosure_thresholds).
with results as (
    -- counted per submission and cell (int_community_resistance_counts): the cube then adds up counts
    select * from {{ ref('int_community_resistance_counts') }}
),

counts as (
    {{ community_cube('results', ['organism', 'antibiotic'],
                      "sum(n_tested)::bigint as n_tested, sum(n_resistant)::bigint as n_resistant,
                       count(distinct source_id) as n_laboratories") }}
)

select
    year, geo_level, geo_code, setting, age_group, sex, organism, antibiotic, n_tested, n_resistant,
    {{ proportion_columns('n_resistant', 'n_tested', 'pct_resistant') }},
    n_laboratories
from counts

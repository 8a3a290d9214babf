-- PRIMO: resistance of urinary first isolates in the community and in nursing homes, per year, level (national,
-- region, the patient's département), setting, age group and sex (ALL included), organism and antibiotic, with
-- Wilson 95 % intervals; small counts flagged (disclosure_thresholds).
with results as (
    -- counted per laboratory and cell first: the cube then adds up counts, not every result
    select
        isolates.year, isolates.setting, isolates.age_group, isolates.sex, isolates.department, isolates.region_code,
        isolates.source_id, isolates.organism, tests.antibiotic,
        count(*) as n_tested, count(*) filter (where tests.sir = 'R') as n_resistant
    from {{ ref('int_community_urinary_first_isolates') }} as isolates
    inner join {{ ref('int_isolate_tests') }} as tests using (source_id, year, isolate_id)
    group by all
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

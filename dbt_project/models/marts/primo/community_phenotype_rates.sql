-- PRIMO: composite resistance of urinary first isolates in the community and in nursing homes (3GC-R, ESBL, FQ-R,
-- ... of E. coli and the other Enterobacterales), with the breakdown of community_resistance and the definitions of
-- resistance_phenotype_rates.
with first_isolates as (
    select * from {{ ref('int_community_urinary_first_isolates') }}
),

headings as (
    {{ phenotype_headings('first_isolates') }}
),

results as (
    -- counted per cell first: the cube then adds up counts, not every isolate
    select
        year, setting, age_group, sex, department, region_code, phenotype, heading,
        count(*) as n_tested, count(*) filter (where is_positive) as n_resistant
    from headings
    group by all
),

counts as (
    {{ community_cube('results', ['phenotype', 'heading'],
                      "sum(n_tested)::bigint as n_tested, sum(n_resistant)::bigint as n_resistant") }}
)

select
    year, geo_level, geo_code, setting, age_group, sex, phenotype, heading as organism, n_tested, n_resistant,
    {{ proportion_columns('n_resistant', 'n_tested', 'pct') }}
from counts

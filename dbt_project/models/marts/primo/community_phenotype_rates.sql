-- PRIMO: composite resistance of urinary first isolates in the community and in nursing homes (3GC-R, ESBL, FQ-R,
-- ... of E. coli and the other Enterobacterales), with the breakdown of community_resistance and the definitions of
-- resistance_phenotype_rates.
with results as (
    -- counted per submission and cell (int_community_phenotype_counts): the cube then adds up counts
    select * from {{ ref('int_community_phenotype_counts') }}
),

counts as (
    {{ community_cube('results', ['phenotype', 'heading'],
                      "sum(n_tested)::bigint as n_tested, sum(n_resistant)::bigint as n_resistant") }}
)

select
    year, geo_level, geo_code, setting, age_group, sex, phenotype, heading as organism, n_tested, n_resistant,
    {{ proportion_columns('n_resistant', 'n_tested', 'pct') }}
from counts

-- Composite resistance proportions on first isolates (DOMAIN.md §4): MRSA among S. aureus; 3GC-R, FQ-R,
-- carbapenem-R, ESBL and CPE among Enterobacterales and per species; VRE among E. faecium; per year, level and
-- setting, with Wilson 95 % intervals. Among isolates tested: for at least one antibiotic of the phenotype, or with
-- an ESBL / carbapenemase result.
with first_isolates as (
    select first_isolates.source_id, first_isolates.year, first_isolates.isolate_id, first_isolates.setting,
           first_isolates.organism, first_isolates.organism_group, geography.region_code
    from {{ ref('int_first_isolates') }} as first_isolates
    left join {{ ref('int_isolate_geography') }} as geography using (source_id, year, isolate_id)
),

headings as (
    {{ phenotype_headings('first_isolates') }}
),

results as (
    -- counted per source and cell first: the fan-out then copies counts, not every isolate
    select
        year, setting, source_id, region_code, phenotype, heading,
        count(*) as n_tested, count(*) filter (where is_positive) as n_resistant
    from headings
    group by all
),

levels as (
    {{ geo_fan_out('results', [['national', "'FR'"], ['region', 'region_code'], ['establishment', 'source_id']]) }}
),

counts as (
    select
        year, geo_level, geo_code, setting, phenotype, heading as organism,
        sum(n_tested)::bigint as n_tested,
        sum(n_resistant)::bigint as n_resistant
    from levels
    group by year, geo_level, geo_code, setting, phenotype, heading
)

select
    year, geo_level, geo_code, setting, phenotype, organism, n_tested, n_resistant,
    {{ proportion_columns('n_resistant', 'n_tested', 'pct') }}
from counts

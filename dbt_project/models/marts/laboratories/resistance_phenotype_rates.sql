-- Composite resistance proportions on first isolates (DOMAIN.md §4): MRSA among S. aureus; 3GC-R, FQ-R,
-- carbapenem-R, ESBL and CPE among Enterobacterales and per species; VRE among E. faecium; per year, level and
-- setting, with Wilson 95 % intervals. Among isolates tested: for at least one antibiotic of the phenotype, or with
-- an ESBL / carbapenemase result.
with results as (
    -- counted per submission and cell (int_phenotype_counts): the fan-out then copies counts, not every isolate
    {{ with_region_code(ref('int_phenotype_counts')) }}
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

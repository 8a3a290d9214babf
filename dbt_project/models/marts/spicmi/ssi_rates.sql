-- SPICMI: surgical site infections per 100 procedures, per year, level, procedure (and ALL) and NNIS risk index (and
-- ALL), with Wilson 95 % intervals, and by depth (superficial, deep, organ-space).
with procedures as (
    select *, nnis_index::varchar as nnis from {{ ref('int_procedures_scored') }}
),

levels as (
    {{ geo_fan_out('procedures', [['national', "'FR'"], ['region', 'region_code'], ['category', 'category'],
                                  ['establishment', 'finess']]) }}
),

counts as (
    select
        year, geo_level, geo_code,
        case when grouping(procedure_code) = 1 then 'ALL' else procedure_code end as procedure_code,
        case when grouping(nnis) = 1 then 'ALL' else nnis end as nnis_index,
        count(*) as n_procedures,
        count(*) filter (where has_ssi) as n_ssi,
        count(*) filter (where ssi_depth = 'SUP') as n_ssi_superficial,
        count(*) filter (where ssi_depth = 'DEEP') as n_ssi_deep,
        count(*) filter (where ssi_depth = 'ORGAN') as n_ssi_organ_space,
        count(distinct finess) as n_establishments
    from levels
    group by grouping sets (
        (year, geo_level, geo_code, procedure_code, nnis),
        (year, geo_level, geo_code, procedure_code),
        (year, geo_level, geo_code, nnis),
        (year, geo_level, geo_code)
    )
)

select
    year, geo_level, geo_code, procedure_code, nnis_index, n_procedures, n_ssi,
    100.0 * n_ssi / n_procedures as pct_ssi,
    {{ wilson_bound('n_ssi', 'n_procedures', -1) }} as ci_low,
    {{ wilson_bound('n_ssi', 'n_procedures', 1) }} as ci_high,
    n_ssi_superficial,
    100.0 * n_ssi_superficial / n_procedures as pct_ssi_superficial,
    n_ssi_deep,
    100.0 * n_ssi_deep / n_procedures as pct_ssi_deep,
    n_ssi_organ_space,
    100.0 * n_ssi_organ_space / n_procedures as pct_ssi_organ_space,
    n_establishments
from counts

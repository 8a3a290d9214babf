-- DDD per 1000 patient-days at every geographic level; pooled rates are ratios of sums.
with establishments as (
    select * from {{ ref('int_establishment_consumption_rates') }}
),

levels as (
    {{ geo_fan_out('establishments', [
        ['establishment', 'finess'], ['category', 'category'], ['region', 'region_code'], ['national', "'FR'"]
    ]) }}
)

select
    year,
    geo_level,
    geo_code,
    sector,
    atc_group,
    {{ exact_sum('ddd') }} as ddd,
    sum(patient_days)::bigint as patient_days,
    case when sum(patient_days) > 0 then {{ exact_sum('ddd') }} / sum(patient_days) * 1000 end
        as ddd_per_1000_patient_days,
    count(distinct finess) as n_establishments
from levels
group by year, geo_level, geo_code, sector, atc_group

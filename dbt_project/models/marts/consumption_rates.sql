-- DDD per 1000 patient-days at every geographic level; pooled rates are ratios of sums.
with establishments as (
    select * from {{ ref('int_establishment_consumption_rates') }}
),

levels as (
    select year, 'establishment' as geo_level, finess as geo_code, sector, atc_group, finess, ddd, patient_days
    from establishments
    union all
    select year, 'category', category, sector, atc_group, finess, ddd, patient_days
    from establishments where category is not null
    union all
    select year, 'region', region_code, sector, atc_group, finess, ddd, patient_days
    from establishments where region_code is not null
    union all
    select year, 'national', 'FR', sector, atc_group, finess, ddd, patient_days
    from establishments
)

select
    year,
    geo_level,
    geo_code,
    sector,
    atc_group,
    sum(ddd) as ddd,
    sum(patient_days)::bigint as patient_days,
    case when sum(patient_days) > 0 then sum(ddd) / sum(patient_days) * 1000 end as ddd_per_1000_patient_days,
    count(distinct finess) as n_establishments
from levels
group by all

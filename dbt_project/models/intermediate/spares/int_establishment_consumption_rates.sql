-- One row per establishment, year, sector (or ALL) and ATC group, zero DDD included, so that pooled rates and
-- distributions count every participating establishment.
with denominators as (
    select * from {{ ref('int_spares_denominators') }}
),

consumption as (
    select * from {{ ref('int_consumption_by_group') }}
),

consumption_all_sectors as (
    select finess, year, 'ALL' as sector, atc_group, {{ exact_sum('ddd') }} as ddd
    from consumption
    group by all
),

numerators as (
    select * from consumption
    union all
    select * from consumption_all_sectors
)

select
    denominators.finess,
    denominators.year,
    denominators.sector,
    denominators.category,
    denominators.region_code,
    groups.atc_group,
    coalesce(numerators.ddd, 0) as ddd,
    denominators.patient_days,
    case when denominators.patient_days > 0
        then coalesce(numerators.ddd, 0) / denominators.patient_days * 1000
    end as ddd_per_1000_patient_days
from denominators
cross join {{ ref('atc_groups') }} as groups
left join numerators using (finess, year, sector, atc_group)

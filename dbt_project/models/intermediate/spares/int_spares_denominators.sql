-- Patient-days of the establishments that sent both consumption and patient-days for a year, per sector and in
-- all ('ALL'), with their category and region from the registry.
with activity as (
    select finess, year, sector, sum(patient_days)::bigint as patient_days
    from {{ ref('stg_spares_activity') }}
    group by all
),

participants as (
    select distinct finess, year from {{ ref('stg_spares_consumption') }}
),

by_sector as (
    select activity.*
    from activity
    inner join participants using (finess, year)
),

with_all as (
    select * from by_sector
    union all
    select finess, year, 'ALL' as sector, sum(patient_days)::bigint as patient_days
    from by_sector
    group by all
)

select
    with_all.finess,
    with_all.year,
    with_all.sector,
    with_all.patient_days,
    establishments.category,
    establishments.region_code
from with_all
left join {{ ref('int_establishments') }} as establishments using (finess)

-- Patients with at least one diagnostic isolate of each phenotype (each counted once per cell), over the
-- patient-days of the establishments that sent both hospital isolates and patient-days for the year.
with eligible as (
    select distinct isolates.source_id as finess, isolates.year
    from {{ ref('int_isolates') }} as isolates
    inner join {{ ref('stg_spares_activity') }} as activity
        on activity.finess = isolates.source_id and activity.year = isolates.year
    where isolates.setting = 'HOSP'
),

days as (
    select activity.finess, activity.year, activity.sector, sum(activity.patient_days)::bigint as patient_days
    from {{ ref('stg_spares_activity') }} as activity
    inner join eligible using (finess, year)
    group by all
),

days_with_all as (
    select * from days
    union all
    select finess, year, 'ALL', sum(patient_days)::bigint from days group by all
),

located_days as (
    select days_with_all.*, regions.region_code
    from days_with_all
    left join {{ ref('stg_establishments') }} as establishments using (finess)
    left join {{ ref('regions_departments') }} as regions on regions.department_code = establishments.department
),

cases as (
    select isolates.source_id as finess, isolates.year, isolates.sector, isolates.patient_id, phenotypes.phenotype
    from {{ ref('int_isolate_phenotypes') }} as phenotypes
    inner join {{ ref('int_isolates') }} as isolates using (source_id, isolate_id)
    inner join eligible on eligible.finess = isolates.source_id and eligible.year = isolates.year
),

cases_with_all as (
    select cases.*, regions.region_code
    from (
        select * from cases where sector is not null
        union all
        select finess, year, 'ALL', patient_id, phenotype from cases
    ) as cases
    left join {{ ref('stg_establishments') }} as establishments using (finess)
    left join {{ ref('regions_departments') }} as regions on regions.department_code = establishments.department
),

case_levels as (
    select year, 'national' as geo_level, 'FR' as geo_code, sector, phenotype, finess, patient_id from cases_with_all
    union all
    select year, 'region', region_code, sector, phenotype, finess, patient_id from cases_with_all
    where region_code is not null
    union all
    select year, 'establishment', finess, sector, phenotype, finess, patient_id from cases_with_all
),

patients as (
    select year, geo_level, geo_code, sector, phenotype, count(distinct (finess, patient_id)) as n_patients
    from case_levels
    group by all
),

cells as (
    select located_days.*, phenotypes.phenotype
    from located_days
    cross join {{ ref('resistance_phenotypes') }} as phenotypes
),

day_levels as (
    select year, 'national' as geo_level, 'FR' as geo_code, sector, phenotype, finess, patient_days from cells
    union all
    select year, 'region', region_code, sector, phenotype, finess, patient_days from cells where region_code is not null
    union all
    select year, 'establishment', finess, sector, phenotype, finess, patient_days from cells
),

denominators as (
    select year, geo_level, geo_code, sector, phenotype, sum(patient_days)::bigint as patient_days,
           count(distinct finess) as n_establishments
    from day_levels
    group by all
)

select
    denominators.year,
    denominators.geo_level,
    denominators.geo_code,
    denominators.sector,
    denominators.phenotype,
    coalesce(patients.n_patients, 0) as n_patients,
    denominators.patient_days,
    denominators.n_establishments
from denominators
left join patients using (year, geo_level, geo_code, sector, phenotype)

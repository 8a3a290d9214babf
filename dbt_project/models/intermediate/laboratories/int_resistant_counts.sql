-- Patients with at least one diagnostic hospital isolate of each incidence phenotype (each counted once per cell),
-- over the patient-days of the establishments that sent both hospital isolates and patient-days for the year. A
-- community or nursing-home isolate sent under a hospital's FINESS is not a hospital case.
with hospital_isolates as (
    select * from {{ ref('int_isolates') }} where setting = 'HOSP'
),

eligible as (
    select distinct hospital_isolates.source_id as finess, hospital_isolates.year
    from hospital_isolates
    inner join {{ ref('stg_spares_activity') }} as activity
        on activity.finess = hospital_isolates.source_id and activity.year = hospital_isolates.year
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

incidence_phenotypes as (
    select * from {{ ref('phenotype_organisms') }} where incidence_code is not null
),

cells as (
    select days_with_all.*, establishments.region_code, incidence_phenotypes.incidence_code as phenotype
    from days_with_all
    left join {{ ref('int_establishments') }} as establishments using (finess)
    cross join (select distinct incidence_code from incidence_phenotypes) as incidence_phenotypes
),

cases as (
    select distinct
        isolates.source_id as finess, isolates.year, isolates.sector, isolates.patient_id,
        incidence_phenotypes.incidence_code as phenotype
    from {{ ref('int_isolate_phenotypes') }} as phenotypes
    inner join hospital_isolates as isolates using (source_id, year, isolate_id)
    inner join incidence_phenotypes
        on incidence_phenotypes.phenotype = phenotypes.phenotype
        and incidence_phenotypes.organism_scope in (isolates.organism, isolates.organism_group)
    inner join eligible on eligible.finess = isolates.source_id and eligible.year = isolates.year
    where phenotypes.is_positive
),

cases_with_all as (
    select cases.*, establishments.region_code
    from (
        select * from cases where sector is not null
        union all
        select finess, year, 'ALL', patient_id, phenotype from cases
    ) as cases
    left join {{ ref('int_establishments') }} as establishments using (finess)
),

case_levels as (
    {{ geo_fan_out('cases_with_all', [['national', "'FR'"], ['region', 'region_code'], ['establishment', 'finess']]) }}
),

patients as (
    select year, geo_level, geo_code, sector, phenotype, count(distinct (finess, patient_id)) as n_patients
    from case_levels
    group by all
),

day_levels as (
    {{ geo_fan_out('cells', [['national', "'FR'"], ['region', 'region_code'], ['establishment', 'finess']]) }}
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

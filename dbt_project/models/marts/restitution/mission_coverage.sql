-- Participation and territorial coverage of each mission, per year, for the nation and each region (every region,
-- a region without participants included): participants, their share of the establishments and beds of the
-- registry, and their share of the patient-days that the area's establishments declared to any mission that year
-- (the registry carries no activity: that is the denominator the platform knows).
with participants as (
    select * from {{ ref('int_mission_participants') }}
),

areas as (
    select 'national' as geo_level, 'FR' as geo_code, 'France' as geo_name
    union all
    select distinct 'region', region_code, region_name from {{ ref('regions_departments') }}
),

spine as (
    select years.year, missions.mission, missions.participant_kind, areas.*
    from (select distinct year from participants) as years
    cross join (select distinct mission, participant_kind from participants) as missions
    cross join areas
),

participant_levels as (
    {{ geo_fan_out('participants', [['national', "'FR'"], ['region', 'region_code']]) }}
),

by_area as (
    -- A participant missing from the registry counts nationally, but not in a share of the registry.
    select year, mission, geo_level, geo_code, count(*) as participants,
           count(region_code) as registered_participants, sum(beds) as participant_beds,
           sum(patient_days)::bigint as participant_patient_days
    from participant_levels
    group by year, mission, geo_level, geo_code
),

registry as (
    select * from {{ ref('int_establishments') }}
),

registry_levels as (
    {{ geo_fan_out('registry', [['national', "'FR'"], ['region', 'region_code']]) }}
),

registered as (
    select geo_level, geo_code, count(*) as registered_establishments, sum(beds) as registered_beds
    from registry_levels
    group by geo_level, geo_code
),

declarations as (
    select distinct participant_id, year, region_code, patient_days
    from participants
    where participant_kind = 'establishment' and patient_days is not null
),

declaration_levels as (
    {{ geo_fan_out('declarations', [['national', "'FR'"], ['region', 'region_code']]) }}
),

declared as (
    select year, geo_level, geo_code, sum(patient_days)::bigint as declared_patient_days
    from declaration_levels
    group by year, geo_level, geo_code
)

select
    spine.year,
    spine.mission,
    spine.participant_kind,
    spine.geo_level,
    spine.geo_code,
    spine.geo_name,
    coalesce(by_area.participants, 0) as participants,
    case when spine.participant_kind = 'establishment' then coalesce(by_area.registered_participants, 0) end
        as registered_participants,
    case when spine.participant_kind = 'establishment' then registered.registered_establishments end
        as registered_establishments,
    case when spine.participant_kind = 'establishment' then
        100.0 * coalesce(by_area.registered_participants, 0) / nullif(registered.registered_establishments, 0) end
        as pct_establishments,
    case when spine.participant_kind = 'establishment' then
        100.0 * coalesce(by_area.participant_beds, 0) / nullif(registered.registered_beds, 0) end as pct_beds,
    by_area.participant_patient_days,
    case when spine.participant_kind = 'establishment' then
        100.0 * coalesce(by_area.participant_patient_days, 0) / nullif(declared.declared_patient_days, 0) end
        as pct_patient_days
from spine
left join by_area using (year, mission, geo_level, geo_code)
left join registered using (geo_level, geo_code)
left join declared using (year, geo_level, geo_code)

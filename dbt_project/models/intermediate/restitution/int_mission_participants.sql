-- Each participant of each mission and year, with its region, its beds in the registry and the patient-days it
-- declared that year (SPARES activity, else SPIADI exposure): what the coverage of the missions is counted from.
with hospital_participants as (
    select distinct 'SPARES' as mission, finess, year from {{ ref('stg_spares_activity') }}
    union
    select 'SPARES', finess, year from {{ ref('stg_spares_consumption') }}
    union
    select 'SPIADI', finess, year from {{ ref('stg_spiadi_exposure') }}
    union
    select 'SPICMI', finess, year from {{ ref('stg_spicmi_procedures') }}
    union
    select 'MATIS', finess, year from {{ ref('stg_icsha') }}
),

declared_patient_days as (
    select finess, year, sum(patient_days)::bigint as patient_days, 1 as preference from {{ ref('stg_spares_activity') }}
    group by finess, year
    union all
    select finess, year, sum(patient_days)::bigint, 2 from {{ ref('stg_spiadi_exposure') }}
    group by finess, year
),

patient_days as (
    select finess, year, patient_days
    from declared_patient_days
    qualify row_number() over (partition by finess, year order by preference) = 1
)

select
    participants.mission,
    'establishment' as participant_kind,
    participants.finess as participant_id,
    participants.year,
    registry.region_code,
    registry.beds,
    patient_days.patient_days
from hospital_participants as participants
left join {{ ref('int_establishments') }} as registry using (finess)
left join patient_days using (finess, year)

union all

select 'PRIMO', 'laboratory', source_id, year, region_code, null, null
from {{ ref('int_laboratories') }}

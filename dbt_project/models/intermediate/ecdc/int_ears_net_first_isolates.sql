{{ config(materialized='table') }}  -- read by both EARS-Net marts: computed once
-- EARS-Net scope and deduplication: isolates of the eight EARS-Net pathogens (organisms seed, ears_net_code) whose
-- specimen maps to an EARS-Net specimen (BLOOD, CSF), plus those whose specimen the ears_net_specimens seed does not
-- list (they are reported, never dropped silently); then the first isolate per source, patient, pathogen and year
-- (first_isolates macro). An uncodable first isolate is not replaced by a later one: that would bias the count.
-- Codes come from the mapping seeds; a null code means "no correspondence", and the isolate is uncodable.
with candidates as (
    select
        isolates.*,
        organisms.ears_net_code as pathogen,
        specimens.specimen is not null as specimen_listed,
        specimens.ears_net_specimen
    from {{ ref('int_isolates') }} as isolates
    inner join {{ ref('organisms') }} as organisms
        on organisms.organism_code = isolates.organism and organisms.ears_net_code is not null
    left join {{ ref('ears_net_specimens') }} as specimens on specimens.specimen = isolates.specimen
    where isolates.organism_known
),

in_scope as (
    select * from candidates where ears_net_specimen is not null or not specimen_listed
),

firsts as (
    {{ first_isolates('in_scope') }}
),

coded as (
    select
        firsts.source_id,
        firsts.year,
        firsts.isolate_id,
        firsts.setting,
        firsts.patient_id,
        firsts.sex,
        firsts.age,
        firsts.sample_date,
        firsts.specimen,
        firsts.sector,
        firsts.pathogen,
        firsts.ears_net_specimen,
        genders.gender,
        patient_types.patient_type,
        patient_types.note_fr as patient_type_note_fr,
        unit_types.hospital_unit_type,
        esbl.result as esbl_result,
        carbapenemase.result as carbapenemase_result
    from firsts
    left join {{ ref('ears_net_genders') }} as genders on genders.sex = firsts.sex
    left join {{ ref('ears_net_patient_types') }} as patient_types on patient_types.setting = firsts.setting
    left join {{ ref('ears_net_hospital_unit_types') }} as unit_types on unit_types.sector = firsts.sector
    left join {{ ref('ears_net_mechanism_results') }} as esbl
        on esbl.code_list = 'esbl' and esbl.code = firsts.esbl
    left join {{ ref('ears_net_mechanism_results') }} as carbapenemase
        on carbapenemase.code_list = 'carbapenemase' and carbapenemase.code = firsts.carbapenemase
)

select
    *,
    -- A community isolate has no ward: its empty HospitalUnitType is "not applicable", not a missing code.
    ears_net_specimen is not null and gender is not null and patient_type is not null
        and (sector is null or hospital_unit_type is not null) as codable
from coded

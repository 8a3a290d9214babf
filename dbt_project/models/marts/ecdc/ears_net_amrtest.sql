{{ config(schema='ecdc') }}
-- The EARS-Net export (TESSy/EpiPulse record type AMRTEST): one row per codable first blood or CSF isolate of the
-- eight EARS-Net pathogens and per EARS-Net antibiotic tested, with the variable names of the reporting protocol.
-- Record-level (pseudonymised patients): built in the `ecdc` schema, which the analysts' copy does not publish.
-- The record type's constants (version, subject, data source) live in the ecdc_record_types seed only.
with isolates as (
    select * from {{ ref('int_ears_net_first_isolates') }} where codable
),

tests as (
    select tests.*
    from {{ ref('int_isolate_tests') }} as tests
    inner join {{ ref('ears_net_antibiotics') }} as ears_net on ears_net.antibiotic_code = tests.antibiotic
),

record_type as (
    select * from {{ ref('ecdc_record_types') }} where export = 'ears_net'
)

select
    isolates.year,
    concat_ws('-', isolates.source_id, isolates.year, isolates.isolate_id, tests.antibiotic) as RecordId,
    {{ tessy_header('record_type') }}
    isolates.sample_date as DateUsedForStatistics,
    isolates.source_id as LaboratoryCode,
    case when isolates.setting = 'HOSP' then isolates.source_id end as HospitalId,
    isolates.patient_id as PatientCounter,
    isolates.gender as Gender,
    isolates.age as Age,
    isolates.patient_type as PatientType,
    isolates.hospital_unit_type as HospitalUnitType,
    isolates.isolate_id as IsolateId,
    isolates.ears_net_specimen as Specimen,
    isolates.pathogen as Pathogen,
    tests.antibiotic as Antibiotic,
    tests.sir as SIR,
    isolates.esbl_result as ESBL,
    isolates.carbapenemase_result as ResultCarbapenemases,
    -- The laboratory protocol carries no mecA / PBP2a result: the optional field stays empty.
    cast(null as varchar) as ResultPCRmec
from isolates
inner join tests using (source_id, year, isolate_id)
cross join record_type

-- One row per EARS-Net first isolate and field that cannot be coded: the field of the EARS-Net protocol, the value
-- as sent and why (the mapping seed's note when it gives one). A value without a correspondence is reported, never
-- replaced by a guess such as OTH or UNK.
with isolates as (
    select * from {{ ref('int_ears_net_first_isolates') }} where not codable
),

fields as (
    select *, 'Specimen' as field, specimen as value_as_sent, 'ears_net_specimens' as seed, null as note_fr
    from isolates where ears_net_specimen is null
    union all
    select *, 'Gender', sex, 'ears_net_genders', null from isolates where gender is null
    union all
    select *, 'PatientType', setting, 'ears_net_patient_types', patient_type_note_fr
    from isolates where patient_type is null
    union all
    select *, 'HospitalUnitType', sector, 'ears_net_hospital_unit_types', null
    from isolates where sector is not null and hospital_unit_type is null
)

select
    source_id,
    year,
    isolate_id,
    sample_date,
    pathogen,
    field,
    value_as_sent,
    coalesce(
        note_fr,
        'Aucune correspondance EARS-Net pour la valeur « ' || coalesce(value_as_sent, '(vide)')
            || ' » (table de correspondance ' || seed || ')'
    ) as reason_fr
from fields

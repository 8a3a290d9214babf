-- One row per isolate (its antibiotic rows agree on patient, date, specimen and organism), with the
-- organism resolved from its ECDC code or its scientific name: the EARS-Net code for the eight EARS-Net
-- pathogens, otherwise the scientific name; an unknown organism is kept as written and flagged.
with rows as (
    select * from {{ ref('stg_isolates') }}
),

organisms as (
    select * from {{ ref('organisms') }}
),

isolates as (
    select
        source_id,
        isolate_id,
        any_value(setting) as setting,
        any_value(patient_id) as patient_id,
        any_value(sex) as sex,
        any_value(age) as age,
        any_value(sample_date) as sample_date,
        any_value(specimen) as specimen,
        any_value(sector) as sector,
        any_value(department) as department,
        any_value(organism) as organism_as_sent,
        max(esbl) as esbl,
        max(carbapenemase) as carbapenemase
    from rows
    group by source_id, isolate_id
)

select
    isolates.* exclude (organism_as_sent),
    year(isolates.sample_date) as year,
    coalesce(by_code.ears_net_code, by_name.ears_net_code, by_code.scientific_name, by_name.scientific_name)
        is not null as organism_known,
    coalesce(
        nullif(by_code.ears_net_code, ''), nullif(by_name.ears_net_code, ''),
        by_code.scientific_name, by_name.scientific_name, isolates.organism_as_sent
    ) as organism,
    coalesce(by_code.organism_group, by_name.organism_group) as organism_group,
    isolates.specimen = 'SCREEN' as is_screening
from isolates
left join organisms as by_code on upper(by_code.organism_code) = upper(isolates.organism_as_sent)
left join organisms as by_name on upper(by_name.scientific_name) = upper(isolates.organism_as_sent)

{{ config(**per_submission_config('isolates')) }}  -- read by several models: computed once, per submission
-- One row per isolate: an isolate is identified by its source, the year of its sample (laboratories restart their
-- numbering each year) and its number. Its rows agree on patient, date, specimen, organism, setting, sector and
-- department (validation rejects them otherwise); for ESBL and carbapenemase, a positive result on any row wins
-- over NEG. The organism is resolved from whatever the laboratory wrote (code, name, alias, abbreviation,
-- subspecies); an unknown organism is kept, flagged, and reaches no mart.
with rows as (
    select * from {{ pending_submission_rows(ref('stg_isolates'), 'isolates') }}
),

names as (
    select distinct organism as organism_as_sent from rows
),

resolved as (
    {{ organism_resolution('names', ref('int_organism_lookup')) }}
),

isolates as (
    select
        source_id,
        surveillance_year as year,
        isolate_id,
        any_value(submission_id) as submission_id,
        any_value(submission_key) as submission_key,
        any_value(setting) as setting,
        any_value(patient_id) as patient_id,
        any_value(sex) as sex,
        any_value(age) as age,
        any_value(sample_date) as sample_date,
        any_value(specimen) as specimen,
        any_value(sector) as sector,
        any_value(department) as department,
        any_value(organism) as organism_as_sent,
        case when bool_or(esbl = 'POS') then 'POS' when bool_or(esbl = 'NEG') then 'NEG' end as esbl,
        coalesce(min(carbapenemase) filter (where carbapenemase <> 'NEG'), max(carbapenemase)) as carbapenemase
    from rows
    group by source_id, surveillance_year, isolate_id
)

select
    isolates.* exclude (organism_as_sent),
    resolved.organism_code is not null as organism_known,
    coalesce(resolved.organism_code, isolates.organism_as_sent) as organism,
    organisms.organism_group,
    isolates.specimen = 'SCREEN' as is_screening
from isolates
left join resolved using (organism_as_sent)
left join {{ ref('organisms') }} as organisms on organisms.organism_code = resolved.organism_code

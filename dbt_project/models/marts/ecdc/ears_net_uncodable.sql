{{ config(schema='ecdc') }}
-- The EARS-Net first isolates left out of the export because a field cannot be coded, one row per isolate and
-- field, with the file and line they came from, so that the sender or the national coordinator can settle them.
-- Record-level: in the `ecdc` schema, like the export.
with provenance as (
    select
        source_id,
        surveillance_year as year,
        isolate_id,
        any_value(submission_id) as submission_id,
        min(source_line) as first_line
    from {{ ref('stg_isolates') }}
    group by source_id, surveillance_year, isolate_id
)

select
    fields.year,
    fields.source_id,
    fields.isolate_id,
    fields.sample_date,
    fields.pathogen,
    fields.field,
    fields.value_as_sent,
    fields.reason_fr,
    submissions.file_name,
    provenance.first_line
from {{ ref('int_ears_net_uncodable_fields') }} as fields
left join provenance using (source_id, year, isolate_id)
left join {{ source('raw', 'submissions') }} as submissions using (submission_id)

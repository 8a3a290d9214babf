{{ config(**per_submission_config('isolates')) }}  -- read by several models: computed once, per submission
-- CLSI M39 first isolates: the earliest diagnostic isolate per patient (source + lab patient id), species and
-- calendar year of the sample; screening specimens and unknown organisms excluded; ties broken by isolate_id.
with diagnostic as (
    select * from {{ pending_submission_rows(ref('int_isolates'), 'isolates') }} where organism_known and not is_screening
)

{{ first_isolates('diagnostic') }}

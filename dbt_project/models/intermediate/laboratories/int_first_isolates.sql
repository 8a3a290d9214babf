{{ config(materialized='table') }}  -- read by several models: computed once
-- CLSI M39 first isolates: the earliest diagnostic isolate per patient (source + lab patient id), species and
-- calendar year of the sample; screening specimens and unknown organisms excluded; ties broken by isolate_id.
with diagnostic as (
    select * from {{ ref('int_isolates') }} where organism_known and not is_screening
)

{{ first_isolates('diagnostic') }}

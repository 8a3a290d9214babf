{{ config(materialized='table') }}  -- read by several models: computed once
-- Each surgical procedure with its NNIS risk index (0-3): one point for an ASA score of 3 or more, one for a wound
-- class of 3 or more, one for a duration strictly above the national cut-off of its procedure and year.
select
    procedures.finess,
    procedures.year,
    procedures.procedure_id,
    procedures.procedure_code,
    procedures.ssi = 'Y' as has_ssi,
    procedures.ssi_depth,
    (procedures.asa >= {{ surveillance_parameter('nnis_asa_threshold') }})::int
        + (procedures.wound_class >= {{ surveillance_parameter('nnis_wound_class_threshold') }})::int
        + (procedures.duration_min > cutoffs.cutoff_minutes)::int as nnis_index,
    establishments.category,
    establishments.region_code
from {{ ref('stg_spicmi_procedures') }} as procedures
inner join {{ ref('ssi_duration_cutoffs') }} as cutoffs using (year, procedure_code)
left join {{ ref('int_establishments') }} as establishments using (finess)

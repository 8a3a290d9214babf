{{ config(**per_submission_config('isolates')) }}  -- read by three marts and its tests: computed once, per submission
-- PRIMO: first urinary isolates of community and nursing-home patients, by the first-isolate rule of SPARES, with
-- the patient's age group and the region of the patient's département.
with urinary as (
    select * from {{ pending_submission_rows(ref('int_isolates'), 'isolates') }}
    where organism_known and specimen = 'URINE' and setting in ('COMM', 'EHPAD')
),

first_isolates as (
    {{ first_isolates('urinary') }}
)

select
    first_isolates.*,
    age_groups.age_group,
    regions.region_code
from first_isolates
left join {{ ref('age_groups') }} as age_groups
    on first_isolates.age between age_groups.min_age and age_groups.max_age
left join {{ ref('regions_departments') }} as regions on regions.department_code = first_isolates.department

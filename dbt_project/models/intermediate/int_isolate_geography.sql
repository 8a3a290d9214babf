-- Where an isolate counts: hospital isolates in their establishment's region, community and nursing-home
-- isolates in the region of the patient's département.
select
    isolates.source_id,
    isolates.isolate_id,
    coalesce(establishment_regions.region_code, patient_regions.region_code) as region_code
from {{ ref('int_isolates') }} as isolates
left join {{ ref('stg_establishments') }} as establishments
    on isolates.setting = 'HOSP' and establishments.finess = isolates.source_id
left join {{ ref('regions_departments') }} as establishment_regions
    on establishment_regions.department_code = establishments.department
left join {{ ref('regions_departments') }} as patient_regions
    on isolates.setting <> 'HOSP' and patient_regions.department_code = isolates.department

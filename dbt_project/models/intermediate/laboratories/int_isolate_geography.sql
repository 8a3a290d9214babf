-- Where an isolate counts: hospital isolates in their establishment's region, community and nursing-home isolates
-- in the region of the patient's département.
select
    isolates.source_id,
    isolates.year,
    isolates.isolate_id,
    case when isolates.setting = 'HOSP' then establishments.region_code else patient_regions.region_code end
        as region_code
from {{ ref('int_isolates') }} as isolates
left join {{ ref('int_establishments') }} as establishments
    on isolates.setting = 'HOSP' and establishments.finess = isolates.source_id
left join {{ ref('regions_departments') }} as patient_regions
    on isolates.setting <> 'HOSP' and patient_regions.department_code = isolates.department

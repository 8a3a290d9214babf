{# `relation` (with setting, source_id and department) and the region where each of its rows counts: a hospital's
   rows in their establishment's region, the others in the region of the patient's département. #}
{% macro with_region_code(relation) -%}
select
    located.*,
    case when located.setting = 'HOSP' then establishments.region_code else patient_regions.region_code end
        as region_code
from {{ relation }} as located
left join {{ ref('int_establishments') }} as establishments
    on located.setting = 'HOSP' and establishments.finess = located.source_id
left join {{ ref('regions_departments') }} as patient_regions
    on located.setting <> 'HOSP' and patient_regions.department_code = located.department
{%- endmacro %}

-- Each establishment of the registry with its region: the one place where an establishment meets its region.
select
    establishments.finess,
    establishments.name,
    establishments.category,
    establishments.beds,
    establishments.department,
    regions.region_code,
    regions.region_name
from {{ ref('stg_establishments') }} as establishments
left join {{ ref('regions_departments') }} as regions on regions.department_code = establishments.department

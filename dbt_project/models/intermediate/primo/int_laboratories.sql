-- Each community laboratory and year, located in the département of most of its community and nursing-home patients
-- (laboratories are in no registry), with that département's region.
with located as (
    select source_id, year, mode(department) as department
    from {{ ref('int_isolates') }}
    where setting in ('COMM', 'EHPAD')
    group by source_id, year
)

select located.*, regions.region_code, regions.region_name
from located
left join {{ ref('regions_departments') }} as regions on regions.department_code = located.department

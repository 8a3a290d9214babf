-- Inhabitants per département and year: the total row when the file gives one, otherwise the sum of its age groups.
with population as (
    select * from {{ ref('stg_population') }}
)

select
    population.department,
    population.year,
    coalesce(
        max(population.population) filter (where population.age_group is null),
        sum(population.population)
    )::bigint as population,
    regions.region_code
from population
left join {{ ref('regions_departments') }} as regions on regions.department_code = population.department
group by population.department, population.year, regions.region_code

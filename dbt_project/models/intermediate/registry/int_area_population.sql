-- Inhabitants of each area (nation, region, département) and year: the sum of its départements' populations.
with departments as (
    select * from {{ ref('int_department_population') }}
),

areas as (
    {{ geo_fan_out('departments', [['national', "'FR'"], ['region', 'region_code'], ['department', 'department']]) }}
)

select year, geo_level, geo_code, sum(population)::bigint as population
from areas
group by year, geo_level, geo_code

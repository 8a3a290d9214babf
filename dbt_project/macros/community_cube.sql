{# The PRIMO breakdown of `relation`: national, region and département (the patient's), then every combination of
   age group and sex, ALL included; patients of unknown sex count in ALL only. `dimensions` are grouped as they are,
   `measures` are the aggregate expressions. #}
{% macro community_cube(relation, dimensions, measures) -%}
{%- set common = ['year', 'geo_level', 'geo_code', 'setting'] + dimensions -%}
with levels as (
    {{ geo_fan_out(relation, [['national', "'FR'"], ['region', 'region_code'], ['department', 'department']]) }}
),

grouped as (
    select
        {{ common | join(', ') }},
        case when grouping(age_group) = 1 then 'ALL' else age_group end as age_group,
        case when grouping(sex) = 1 then 'ALL' else sex end as sex,
        {{ measures }}
    from levels
    group by grouping sets (
        ({{ (common + ['age_group', 'sex']) | join(', ') }}),
        ({{ (common + ['age_group']) | join(', ') }}),
        ({{ (common + ['sex']) | join(', ') }}),
        ({{ common | join(', ') }})
    )
)

select * from grouped where sex <> 'U'
{%- endmacro %}

-- MATIS: how establishments spread over the ICSHA classes, per year and level (national, region, category).
with results as (
    select * from {{ ref('icsha_results') }} where icsha_class is not null
),

levels as (
    {{ geo_fan_out('results', [['national', "'FR'"], ['region', 'region_code'], ['category', 'category']]) }}
),

counts as (
    select year, geo_level, geo_code, icsha_class, count(levels.finess) as n_establishments
    from (select distinct year, geo_level, geo_code from levels) as cells
    cross join {{ ref('icsha_classes') }} as classes
    left join levels using (year, geo_level, geo_code, icsha_class)
    group by all
)

select
    counts.*,
    100.0 * n_establishments / sum(n_establishments) over (partition by year, geo_level, geo_code)
        as pct_establishments
from counts

-- Community antibiotic consumption (PRIMO, reimbursement data) in DDD per 1000 inhabitants per day (DID, days of
-- the actual year), per year, level (national, region, département) and ATC group, over the départements that sent
-- their data; prescriptions per 1000 inhabitants where prescriptions are given; each group's share of J01 DDD (the
-- AWaRe shares on the ACCESS, WATCH and RESERVE rows).
with departments as (
    select distinct consumption.department, consumption.year, population.population, population.region_code
    from {{ ref('int_community_consumption_ddd') }} as consumption
    inner join {{ ref('int_department_population') }} as population using (department, year)
),

cells as (
    select departments.*, groups.atc_group, coalesce(consumption.ddd, 0) as ddd, consumption.prescriptions
    from departments
    cross join {{ ref('atc_groups') }} as groups
    left join {{ ref('int_community_consumption_by_group') }} as consumption using (department, year, atc_group)
),

levels as (
    {{ geo_fan_out('cells', [['national', "'FR'"], ['region', 'region_code'], ['department', 'department']]) }}
),

rates as (
    select
        year,
        geo_level,
        geo_code,
        atc_group,
        {{ exact_sum('ddd') }} as ddd,
        sum(population)::bigint as population,
        {{ exact_sum('ddd') }} * 1000 / (sum(population) * dayofyear(make_date(year, 12, 31))) as did,
        sum(prescriptions)::bigint as prescriptions,
        (sum(population) filter (where prescriptions is not null))::bigint as prescriptions_population,
        sum(prescriptions) * 1000 / sum(population) filter (where prescriptions is not null)
            as prescriptions_per_1000,
        count(distinct department) as n_departments
    from levels
    group by year, geo_level, geo_code, atc_group
)

select
    rates.*,
    100 * ddd / nullif(
        {{ exact_sum('ddd', filter="atc_group = 'J01'", over='(partition by year, geo_level, geo_code)') }}, 0
    ) as pct_of_j01
from rates

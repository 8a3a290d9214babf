-- DDD per establishment, year, sector and ATC group: ALL (the SPARES scope), each group of the
-- atc_groups seed, and the AWaRe categories of J01.
with consumption as (
    select * from {{ ref('int_consumption_ddd') }}
    where in_spares_scope and n_ddd is not null
),

aware as (
    select * from {{ ref('int_aware_categories') }}
),

memberships as (
    select finess, year, sector, 'ALL' as atc_group, n_ddd from consumption
    union all
    select consumption.finess, consumption.year, consumption.sector, groups.atc_group, consumption.n_ddd
    from consumption
    inner join {{ ref('atc_groups') }} as groups on starts_with(consumption.atc_code, groups.atc_prefix)
    union all
    select consumption.finess, consumption.year, consumption.sector, aware.aware_category, consumption.n_ddd
    from consumption
    inner join aware
        on aware.atc_code = consumption.atc_code
        and (aware.route is null or aware.route = consumption.route)
)

select finess, year, sector, atc_group, sum(n_ddd) as ddd
from memberships
group by all

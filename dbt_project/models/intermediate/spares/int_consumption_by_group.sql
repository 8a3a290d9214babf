-- DDD per establishment, year, sector and ATC group of the atc_groups seed: ALL (the SPARES scope), the ATC
-- prefixes, and the AWaRe categories of J01.
with consumption as (
    select * from {{ ref('int_consumption_ddd') }}
    where in_spares_scope
),

groups as (
    select * from {{ ref('atc_groups') }}
),

aware as (
    select * from {{ ref('int_aware_categories') }}
),

memberships as (
    select consumption.finess, consumption.year, consumption.sector, groups.atc_group, consumption.n_ddd
    from consumption
    inner join groups on groups.kind = 'scope'
    union all
    select consumption.finess, consumption.year, consumption.sector, groups.atc_group, consumption.n_ddd
    from consumption
    inner join groups on groups.kind = 'atc' and starts_with(consumption.atc_code, groups.atc_prefix)
    union all
    select consumption.finess, consumption.year, consumption.sector, groups.atc_group, consumption.n_ddd
    from consumption
    inner join aware
        on aware.atc_code = consumption.atc_code
        and (aware.route is null or aware.route = consumption.route)
    inner join groups on groups.kind = 'aware' and groups.atc_group = aware.aware_category
)

select finess, year, sector, atc_group, sum(n_ddd) as ddd
from memberships
group by all

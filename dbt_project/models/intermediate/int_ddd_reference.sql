-- One DDD per ATC code and route: a project convention overrides the WHO value.
select atc_code, route, ddd, unit, convention
from {{ ref('ddd_conventions') }}
union all
select who.atc_code, who.route, who.ddd, who.unit, null as convention
from {{ ref('who_atc_ddd') }} as who
where not exists (
    select 1 from {{ ref('ddd_conventions') }} as conv
    where conv.atc_code = who.atc_code and conv.route = who.route
)

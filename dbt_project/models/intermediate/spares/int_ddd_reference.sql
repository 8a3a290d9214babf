-- One DDD per ATC code and route: the WHO value, unless a project convention gives its own DDD. Conventions that
-- only say how to count a combination (in grams of the component carrying the WHO DDD) keep the WHO value.
select
    coalesce(who.atc_code, conventions.atc_code) as atc_code,
    coalesce(who.route, conventions.route) as route,
    coalesce(conventions.ddd, who.ddd) as ddd,
    case when conventions.ddd is not null then conventions.unit else who.unit end as unit,
    conventions.convention
from {{ ref('who_atc_ddd') }} as who
full outer join {{ ref('ddd_conventions') }} as conventions
    on conventions.atc_code = who.atc_code and conventions.route = who.route

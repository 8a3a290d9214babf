{# Consumption rows of `relation` (atc_code, route, quantity, unit, and any other columns) in DDD: the quantity
   converted to the unit of the DDD of its ATC code and route (mg -> g, g -> mg; MU stay MU), divided by that DDD.
   One conversion for hospitals (SPARES) and the community (PRIMO). #}
{% macro consumption_in_ddd(relation) -%}
select
    converted.*,
    quantity_in_ddd_unit / ddd as n_ddd,
    exists (
        select 1 from {{ ref('spares_scope') }} as scope where starts_with(converted.atc_code, scope.atc_prefix)
    ) as in_spares_scope
from (
    select
        consumption.*,
        ddd.ddd,
        ddd.unit as ddd_unit,
        case
            when upper(consumption.unit) = upper(ddd.unit) then consumption.quantity
            when upper(consumption.unit) = 'MG' and upper(ddd.unit) = 'G' then consumption.quantity / 1000
            when upper(consumption.unit) = 'G' and upper(ddd.unit) = 'MG' then consumption.quantity * 1000
        end as quantity_in_ddd_unit
    from {{ relation }} as consumption
    left join {{ ref('int_ddd_reference') }} as ddd using (atc_code, route)
) as converted
{%- endmacro %}

-- Each consumption row in DDD: the quantity converted to the DDD's unit (mg -> g), divided by the DDD of its ATC
-- code and route. Validation rejects a row without a DDD or with a unit that cannot be converted, so every row
-- has a number of DDD (tested).
with consumption as (
    select * from {{ ref('stg_spares_consumption') }}
),

ddd as (
    select * from {{ ref('int_ddd_reference') }}
),

converted as (
    select
        consumption.finess,
        consumption.year,
        consumption.sector,
        consumption.atc_code,
        consumption.route,
        consumption.quantity,
        consumption.unit,
        ddd.ddd,
        ddd.unit as ddd_unit,
        case
            when upper(consumption.unit) = upper(ddd.unit) then consumption.quantity
            when upper(consumption.unit) = 'MG' and upper(ddd.unit) = 'G' then consumption.quantity / 1000
            when upper(consumption.unit) = 'G' and upper(ddd.unit) = 'MG' then consumption.quantity * 1000
        end as quantity_in_ddd_unit
    from consumption
    left join ddd using (atc_code, route)
)

select
    converted.*,
    quantity_in_ddd_unit / ddd as n_ddd,
    exists (
        select 1 from {{ ref('spares_scope') }} as scope where starts_with(converted.atc_code, scope.atc_prefix)
    ) as in_spares_scope
from converted

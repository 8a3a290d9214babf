-- Each consumption row of the current SPARES submissions in DDD. Validation rejects a row without a DDD or with a
-- unit that cannot be converted, so every row has a number of DDD (tested).
with consumption as (
    select finess, year, sector, atc_code, route, quantity, unit from {{ ref('stg_spares_consumption') }}
)

{{ consumption_in_ddd('consumption') }}

-- The ESAC-Net hospital-sector export (TESSy record type AMCLIGHT, aggregated number of DDD): DDD per year, ATC
-- level-5 code and route over every establishment of SPARES. No DID: SPARES covers the participating
-- establishments only, and ESAC-Net relates hospital DDD to the population through the coverage it is told
-- (data source profile), not through a population Vigie would have to guess.
with consumption as (
    select year, atc_code, route, {{ exact_sum('n_ddd') }} as n_ddd, count(distinct finess) as n_establishments
    from {{ ref('int_consumption_ddd') }}
    group by year, atc_code, route
),

record_type as (
    select * from {{ ref('ecdc_record_types') }} where export = 'esac_net_hospital'
)

select
    consumption.year,
    concat_ws('-', record_type.esac_net_sector, consumption.year, consumption.atc_code, consumption.route) as RecordId,
    {{ tessy_header('record_type') }}
    cast(consumption.year as varchar) as DateUsedForStatistics,
    record_type.esac_net_sector as Sector,
    consumption.atc_code as ATCCode,
    consumption.route as Route,
    consumption.n_ddd as NumberOfDDD,
    consumption.n_establishments as NumberOfHospitals
from consumption
cross join record_type

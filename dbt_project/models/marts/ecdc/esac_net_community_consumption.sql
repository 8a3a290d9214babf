-- The ESAC-Net community-sector export (TESSy record type AMCLIGHT): DDD per year, ATC level-5 code and route from
-- PRIMO reimbursement data, and DDD per 1000 inhabitants per day (DID, days of the actual year) over the population
-- of the départements that sent their data, as community_consumption_rates computes it.
with consumption as (
    select consumption.*, population.population
    from {{ ref('int_community_consumption_ddd') }} as consumption
    inner join {{ ref('int_department_population') }} as population using (department, year)
),

covered as (
    select year, sum(population)::bigint as population, count(*) as n_departments
    from (select distinct department, year, population from consumption) as departments
    group by year
),

ddd as (
    select year, atc_code, route, {{ exact_sum('n_ddd') }} as n_ddd from consumption group by year, atc_code, route
),

record_type as (
    select * from {{ ref('ecdc_record_types') }} where export = 'esac_net_community'
)

select
    ddd.year,
    concat_ws('-', record_type.esac_net_sector, ddd.year, ddd.atc_code, ddd.route) as RecordId,
    {{ tessy_header('record_type') }}
    cast(ddd.year as varchar) as DateUsedForStatistics,
    record_type.esac_net_sector as Sector,
    ddd.atc_code as ATCCode,
    ddd.route as Route,
    ddd.n_ddd as NumberOfDDD,
    covered.population as Population,
    ddd.n_ddd * 1000 / (covered.population * dayofyear(make_date(ddd.year, 12, 31))) as DID,
    covered.n_departments as NumberOfDepartments
from ddd
inner join covered using (year)
cross join record_type

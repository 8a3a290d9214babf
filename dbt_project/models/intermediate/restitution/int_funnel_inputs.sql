-- Each establishment's count and exposure for every indicator of the funnel_indicators seed, per year, with its
-- region and the national value it is compared with (the pooled rate of every establishment: sum of counts over sum
-- of exposures; for the standardised infection ratio, observed over expected, which is 1 by construction).
with indicators as (
    select * from {{ ref('funnel_indicators') }}
),

measured as (
    select indicators.indicator, rates.year, rates.geo_code as finess, rates.ddd as count, rates.patient_days as exposure
    from indicators
    inner join {{ ref('consumption_rates') }} as rates
        on indicators.measure = 'consumption' and rates.geo_level = 'establishment' and rates.sector = 'ALL'
        and rates.atc_group = 'ALL'
    union all
    select indicators.indicator, incidence.year, incidence.geo_code, incidence.n_patients, incidence.patient_days
    from indicators
    inner join {{ ref('resistant_incidence') }} as incidence
        on indicators.measure = 'hospital_incidence' and incidence.geo_level = 'establishment'
        and incidence.sector = 'ALL' and incidence.phenotype = indicators.phenotype
    union all
    select indicators.indicator, rates.year, rates.geo_code, rates.n_episodes, rates.patient_days
    from indicators
    inner join {{ ref('bacteremia_rates') }} as rates
        on indicators.measure = 'bacteremia' and rates.geo_level = 'establishment' and rates.sector = 'ALL'
    union all
    select indicators.indicator, sir.year, sir.finess, sir.observed, sir.expected
    from indicators
    inner join {{ ref('ssi_sir') }} as sir on indicators.measure = 'ssi_sir' and sir.procedure_code = 'ALL'
),

counted as (
    select * from measured where exposure > 0
)

select
    counted.indicator,
    counted.year,
    counted.finess,
    establishments.region_code,
    counted.count::double as count,
    counted.exposure::double as exposure,
    {{ exact_sum('counted.count', over='nation') }} / {{ exact_sum('counted.exposure', over='nation') }}
        as national_rate
from counted
left join {{ ref('int_establishments') }} as establishments using (finess)
window nation as (partition by counted.indicator, counted.year)

-- Every indicator an establishment's report compares with its peers, in one shape: the establishment's value, its
-- numerator and denominator, its interval and small-count flag, whether it may enter a peer distribution, and the
-- national value. A mission adds its indicators here; the comparison itself is written once.
with consumption as (
    select
        'consumption' as indicator, year, finess, sector as stratum_1, atc_group as stratum_2,
        ddd_per_1000_patient_days as value, ddd as numerator, patient_days::double as denominator,
        null::double as ci_low, null::double as ci_high, false as low_count, patient_days > 0 as eligible
    from {{ ref('int_establishment_consumption_rates') }}
    where sector = 'ALL' or atc_group = 'ALL'
),

resistance as (
    select
        'resistance' as indicator, rates.year, rates.geo_code as finess, rates.organism, rates.antibiotic,
        rates.pct_resistant, rates.n_resistant::double, rates.n_tested::double,
        rates.ci_low, rates.ci_high, rates.low_count, not rates.low_count
    from {{ ref('resistance_rates') }} as rates
    inner join {{ ref('key_resistances') }} as shown using (organism, antibiotic)
    where rates.geo_level = 'establishment' and rates.setting = 'HOSP'
),

phenotypes as (
    select
        'phenotype' as indicator, year, geo_code as finess, phenotype, organism,
        pct, n_resistant::double, n_tested::double, ci_low, ci_high, low_count, not low_count
    from {{ ref('resistance_phenotype_rates') }}
    where geo_level = 'establishment' and setting = 'HOSP'
),

incidence as (
    select
        'incidence' as indicator, year, geo_code as finess, phenotype, sector,
        per_1000_patient_days, n_patients::double, patient_days::double, ci_low, ci_high, low_count,
        patient_days > 0
    from {{ ref('resistant_incidence') }}
    where geo_level = 'establishment' and sector = 'ALL'
),

national as (
    select 'consumption' as indicator, year, sector as stratum_1, atc_group as stratum_2,
           ddd_per_1000_patient_days as national_value
    from {{ ref('consumption_rates') }} where geo_level = 'national'
    union all
    select 'resistance', year, organism, antibiotic, pct_resistant
    from {{ ref('resistance_rates') }} where geo_level = 'national' and setting = 'HOSP'
    union all
    select 'phenotype', year, phenotype, organism, pct
    from {{ ref('resistance_phenotype_rates') }} where geo_level = 'national' and setting = 'HOSP'
    union all
    select 'incidence', year, phenotype, sector, per_1000_patient_days
    from {{ ref('resistant_incidence') }} where geo_level = 'national'
),

indicators as (
    select * from consumption
    union all select * from resistance
    union all select * from phenotypes
    union all select * from incidence
)

select
    indicators.*,
    establishments.category,
    establishments.region_code,
    national.national_value
from indicators
left join {{ ref('int_establishments') }} as establishments using (finess)
left join national using (indicator, year, stratum_1, stratum_2)

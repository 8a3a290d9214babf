-- Every indicator an establishment's report compares with its peers, in one shape: the establishment's value, its
-- numerator and denominator, its interval and small-count flag, whether it may enter a peer distribution, and the
-- national value. A mission adds its indicators here; the comparison itself is written once. National SIR: observed
-- over expected of all establishments (1 by construction); national ICSHA: litres over target litres.
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
    inner join {{ ref('key_resistances') }} as shown
        on shown.participant_kind = 'establishment' and shown.organism = rates.organism
        and shown.antibiotic = rates.antibiotic
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

bacteremia as (
    select
        'bacteremia' as indicator, year, geo_code as finess, sector, 'ALL',
        per_1000_patient_days, n_episodes::double, patient_days::double, ci_low, ci_high,
        n_episodes < {{ disclosure_threshold('min_patients_incidence') }}, patient_days > 0
    from {{ ref('bacteremia_rates') }}
    where geo_level = 'establishment'
),

ssi_sir as (
    select
        'ssi_sir' as indicator, year, finess, procedure_code, 'ALL',
        sir, observed::double, expected, ci_low, ci_high, expected_under_one, not expected_under_one
    from {{ ref('ssi_sir') }}
),

icsha as (
    select
        'icsha' as indicator, year, finess, 'ALL', 'ALL',
        icsha_pct, hand_rub_liters, target_liters, null::double, null::double, false, target_liters > 0
    from {{ ref('icsha_results') }}
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
    union all
    select 'bacteremia', year, sector, 'ALL', per_1000_patient_days
    from {{ ref('bacteremia_rates') }} where geo_level = 'national'
    union all
    select 'ssi_sir', year, procedure_code, 'ALL', sum(observed) / {{ exact_sum('expected') }}
    from {{ ref('ssi_sir') }} group by year, procedure_code
    union all
    select 'icsha', year, 'ALL', 'ALL', 100 * {{ exact_sum('hand_rub_liters') }} / {{ exact_sum('target_liters') }}
    from {{ ref('icsha_results') }} group by year
),

indicators as (
    select * from consumption
    union all select * from resistance
    union all select * from phenotypes
    union all select * from incidence
    union all select * from bacteremia
    union all select * from ssi_sir
    union all select * from icsha
)

select
    indicators.*,
    establishments.category,
    establishments.region_code,
    national.national_value
from indicators
left join {{ ref('int_establishments') }} as establishments using (finess)
left join national using (indicator, year, stratum_1, stratum_2)

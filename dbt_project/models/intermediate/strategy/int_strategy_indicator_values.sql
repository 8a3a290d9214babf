-- The value of each indicator of the indicator_targets seed, per year and area, read from the mission marts by the
-- indicator's measure (and its setting, phenotype and organism): numerator, denominator, value, interval and the
-- small-count flag of the mart it comes from.
with indicators as (
    select * from {{ ref('indicator_targets') }}
),

hospital_ddd as (
    select year, geo_level, geo_code, atc_group, ddd
    from {{ ref('consumption_rates') }}
    where sector = 'ALL' and atc_group in ('ACCESS', 'J01')
),

community_ddd as (
    select year, geo_level, geo_code, atc_group, ddd, population, did, prescriptions, prescriptions_population,
           prescriptions_per_1000
    from {{ ref('community_consumption_rates') }}
    where atc_group in ('ACCESS', 'J01')
),

-- Community and hospital DDD together (ESAC-Net's total care), in the areas whose community consumption is
-- measured; an establishment has its hospital DDD only.
total_ddd as (
    select
        year, geo_level, geo_code,
        {{ exact_sum('ddd', filter="atc_group = 'ACCESS'") }} as access_ddd,
        {{ exact_sum('ddd', filter="atc_group = 'J01'") }} as j01_ddd
    from (
        select year, geo_level, geo_code, atc_group, ddd, 'hospital' as care from hospital_ddd
        union all
        select year, geo_level, geo_code, atc_group, ddd, 'community' from community_ddd
    )
    group by year, geo_level, geo_code
    having geo_level = 'establishment' or bool_or(care = 'community')
),

consumption as (
    select
        indicators.indicator_code, total_ddd.year, total_ddd.geo_level, total_ddd.geo_code,
        total_ddd.access_ddd as numerator, total_ddd.j01_ddd as denominator,
        100 * total_ddd.access_ddd / nullif(total_ddd.j01_ddd, 0) as value,
        null::double as ci_low, null::double as ci_high, false as low_count
    from indicators
    inner join total_ddd on indicators.measure = 'access_share'
    union all
    select
        indicators.indicator_code, total_ddd.year, total_ddd.geo_level, total_ddd.geo_code,
        total_ddd.j01_ddd, population.population,
        total_ddd.j01_ddd * 1000 / (population.population * dayofyear(make_date(total_ddd.year, 12, 31))),
        null, null, false
    from indicators
    inner join total_ddd on indicators.measure = 'total_did'
    inner join {{ ref('int_area_population') }} as population using (year, geo_level, geo_code)
    union all
    select
        indicators.indicator_code, community.year, community.geo_level, community.geo_code,
        case indicators.measure when 'community_did' then community.ddd else community.prescriptions end,
        case indicators.measure when 'community_did' then community.population
            else community.prescriptions_population end,
        case indicators.measure when 'community_did' then community.did else community.prescriptions_per_1000 end,
        null, null, false
    from indicators
    inner join community_ddd as community
        on indicators.measure in ('community_did', 'community_prescriptions') and community.atc_group = 'J01'
),

resistance as (
    select
        indicators.indicator_code, rates.year, rates.geo_level, rates.geo_code,
        rates.n_resistant, rates.n_tested, rates.pct, rates.ci_low, rates.ci_high, rates.low_count
    from indicators
    inner join {{ ref('community_phenotype_rates') }} as rates
        on indicators.measure = 'community_resistance' and rates.setting = indicators.setting
        and rates.phenotype = indicators.phenotype and rates.organism = indicators.organism
        and rates.age_group = 'ALL' and rates.sex = 'ALL'
    union all
    select
        indicators.indicator_code, blood.year, blood.geo_level, blood.geo_code,
        blood.n_resistant,
        case indicators.measure when 'blood_resistance' then blood.n_tested else blood.population end,
        case indicators.measure when 'blood_resistance' then blood.pct else blood.per_100000_inhabitants end,
        case indicators.measure when 'blood_resistance' then blood.ci_low else blood.incidence_ci_low end,
        case indicators.measure when 'blood_resistance' then blood.ci_high else blood.incidence_ci_high end,
        blood.low_count
    from indicators
    inner join {{ ref('bloodstream_resistance') }} as blood
        on indicators.measure in ('blood_resistance', 'bsi_incidence') and blood.phenotype = indicators.phenotype
        and blood.organism = indicators.organism
    union all
    select
        indicators.indicator_code, incidence.year, incidence.geo_level, incidence.geo_code,
        incidence.n_patients, incidence.patient_days, incidence.per_1000_patient_days,
        incidence.ci_low, incidence.ci_high, incidence.low_count
    from indicators
    inner join {{ ref('phenotype_organisms') }} as scopes
        on indicators.measure = 'hospital_incidence' and scopes.phenotype = indicators.phenotype
        and scopes.organism_scope = indicators.organism
    inner join {{ ref('resistant_incidence') }} as incidence
        on incidence.phenotype = scopes.incidence_code and incidence.sector = 'ALL'
),

measured as (
    select * from consumption
    union all
    select * from resistance
)

select
    measured.indicator_code,
    measured.year,
    measured.geo_level,
    measured.geo_code,
    measured.numerator::double as numerator,
    measured.denominator::double as denominator,
    measured.value::double as value,
    measured.ci_low::double as ci_low,
    measured.ci_high::double as ci_high,
    measured.low_count
from measured
inner join indicators using (indicator_code)
where list_contains(string_split(indicators.geo_levels, '|'), measured.geo_level)

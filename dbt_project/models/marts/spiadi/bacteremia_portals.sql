-- SPIADI: distribution of the portals of entry (ECDC codes) and of the organisms of the bacteraemia acquired in the
-- establishment, with their shares, and, for the episodes linked to a blood isolate, the resistance of their
-- organisms (the phenotypes of resistance_phenotype_rates), per year and level (national, region).
with episodes as (
    select * from {{ ref('int_bacteremia_episodes') }} where acquisition = 'THIS_ES'
),

levels as (
    {{ geo_fan_out('episodes', [['national', "'FR'"], ['region', 'region_code']]) }}
),

distributions as (
    select year, geo_level, geo_code, 'portal' as breakdown, portal_ecdc_code as code, null as phenotype,
           count(*) as n_episodes, null::bigint as n_tested, null::bigint as n_resistant
    from levels
    group by all
    union all
    select year, geo_level, geo_code, 'organism', organism, null, count(*), null, null
    from levels
    group by all
),

resistance as (
    select levels.year, levels.geo_level, levels.geo_code, 'organism_phenotype' as breakdown, levels.organism as code,
           phenotypes.phenotype, count(*) as n_episodes,
           count(*) filter (where phenotypes.is_tested) as n_tested,
           count(*) filter (where phenotypes.is_positive) as n_resistant
    from levels
    inner join {{ ref('int_isolate_phenotypes') }} as phenotypes
        on phenotypes.source_id = levels.finess and phenotypes.year = levels.isolate_year
        and phenotypes.isolate_id = levels.isolate_id
    group by all
)

select
    distributions.*,
    100.0 * n_episodes / sum(n_episodes) over (partition by year, geo_level, geo_code, breakdown) as pct_episodes,
    null::double as pct_resistant
from distributions
union all
select
    resistance.*,
    null as pct_episodes,
    100.0 * n_resistant / nullif(n_tested, 0) as pct_resistant
from resistance

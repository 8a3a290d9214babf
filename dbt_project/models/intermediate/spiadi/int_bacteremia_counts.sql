-- Bacteraemia episodes acquired in the establishment (THIS_ES) and patient-days per year, level and sector (and
-- ALL); episodes acquired elsewhere are counted apart. Rates and intervals: bacteremia_rates.
with episodes as (
    select *, sector as episode_sector from {{ ref('int_bacteremia_episodes') }}
),

episodes_with_all as (
    select * from episodes
    union all
    select * replace ('ALL' as sector) from episodes
),

exposure as (
    select * from {{ ref('int_spiadi_exposure') }}
),

cells as (
    select
        exposure.finess, exposure.year, exposure.sector, exposure.category, exposure.region_code,
        exposure.patient_days,
        count(episodes.episode_id) filter (where episodes.acquisition = 'THIS_ES') as n_episodes,
        count(episodes.episode_id) filter (where episodes.acquisition = 'THIS_ES' and episodes.is_device_associated)
            as n_device_associated,
        count(episodes.episode_id) filter (where episodes.acquisition = 'OTHER_ES') as n_other_es,
        count(episodes.episode_id) filter (where episodes.acquisition = 'COMMUNITY') as n_community
    from exposure
    left join episodes_with_all as episodes using (finess, year, sector)
    group by all
),

levels as (
    {{ geo_fan_out('cells', [['national', "'FR'"], ['region', 'region_code'], ['category', 'category'],
                             ['establishment', 'finess']]) }}
)

select
    year, geo_level, geo_code, sector,
    sum(n_episodes) as n_episodes,
    sum(patient_days)::bigint as patient_days,
    sum(n_device_associated) as n_device_associated,
    sum(n_other_es) as n_other_es,
    sum(n_community) as n_community,
    count(distinct finess) as n_establishments
from levels
group by year, geo_level, geo_code, sector

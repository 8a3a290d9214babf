-- Device-associated bacteraemia acquired in the establishment and device-days per year, level, sector (and ALL)
-- and device type (CVC, PICC, PORT, PVC). Rates and intervals: device_rates.
with exposure as (
    unpivot (select * exclude (patient_days) from {{ ref('int_spiadi_exposure') }})
    on cvc_days as 'CVC', picc_days as 'PICC', port_days as 'PORT', pvc_days as 'PVC'
    into name device value device_days
),

episodes as (
    select finess, year, sector, device, episode_id
    from {{ ref('int_bacteremia_episodes') }}
    where acquisition = 'THIS_ES' and device is not null
),

episodes_with_all as (
    select * from episodes
    union all
    select finess, year, 'ALL', device, episode_id from episodes
),

cells as (
    select exposure.finess, exposure.year, exposure.sector, exposure.device, exposure.category, exposure.region_code,
           exposure.device_days, count(episodes.episode_id) as n_episodes
    from exposure
    left join episodes_with_all as episodes using (finess, year, sector, device)
    group by all
),

levels as (
    {{ geo_fan_out('cells', [['national', "'FR'"], ['region', 'region_code'], ['category', 'category'],
                             ['establishment', 'finess']]) }}
)

select
    year, geo_level, geo_code, sector, device,
    sum(n_episodes) as n_episodes,
    sum(device_days)::bigint as device_days,
    count(distinct finess) as n_establishments
from levels
group by year, geo_level, geo_code, sector, device

-- SPIADI episodes of the establishments that sent their exposure for the year, with the organism resolved as in the
-- laboratories' results, the ECDC code of the portal of entry, and the blood isolate of the same establishment,
-- patient and organism sampled closest to it (within bacteremia_isolate_link_days), when there is one.
with episodes as (
    select * from {{ ref('stg_spiadi_bacteremia') }}
),

names as (
    select distinct organism as organism_as_sent from episodes
),

resolved as (
    {{ organism_resolution('names', ref('int_organism_lookup')) }}
),

participants as (
    select distinct finess, year from {{ ref('stg_spiadi_exposure') }}
),

blood_isolates as (
    select source_id, year, isolate_id, patient_id, organism, sample_date
    from {{ ref('int_isolates') }}
    where specimen = 'BLOOD' and setting = 'HOSP' and organism_known
),

linked as (
    select
        episodes.finess, episodes.year, episodes.episode_id,
        blood_isolates.year as isolate_year, blood_isolates.isolate_id
    from episodes
    inner join resolved on resolved.organism_as_sent = episodes.organism
    inner join blood_isolates
        on blood_isolates.source_id = episodes.finess
        and blood_isolates.patient_id = episodes.patient_id
        and blood_isolates.organism = resolved.organism_code
        and abs(date_diff('day', blood_isolates.sample_date, episodes.sample_date))
            <= {{ surveillance_parameter('bacteremia_isolate_link_days') }}
    qualify row_number() over (
        partition by episodes.finess, episodes.year, episodes.episode_id
        order by abs(date_diff('day', blood_isolates.sample_date, episodes.sample_date)), blood_isolates.isolate_id
    ) = 1
)

select
    episodes.finess,
    episodes.year,
    episodes.episode_id,
    episodes.patient_id,
    episodes.sample_date,
    episodes.sector,
    coalesce(resolved.organism_code, 'UNKNOWN') as organism,
    organisms.organism_group,
    episodes.portal,
    portals.ecdc_code as portal_ecdc_code,
    portals.device,
    episodes.device_associated = 'Y' as is_device_associated,
    episodes.acquisition,
    establishments.category,
    establishments.region_code,
    linked.isolate_year,
    linked.isolate_id
from episodes
inner join participants using (finess, year)
left join resolved on resolved.organism_as_sent = episodes.organism
left join {{ ref('organisms') }} as organisms on organisms.organism_code = resolved.organism_code
left join {{ ref('portal_codes') }} as portals on portals.portal = episodes.portal
left join {{ ref('int_establishments') }} as establishments using (finess)
left join linked using (finess, year, episode_id)

-- What each community laboratory's report shows: its urinary first isolates (PRIMO) for the key pairs of
-- key_resistances, against the first area (its département, its region, the nation: peer_groups) whose figure pools
-- enough laboratories to be shown (disclosure_thresholds), and the nation; its previous year. Disclosure-controlled.
with own as (
    select
        counts.source_id, counts.year, counts.setting, counts.organism, counts.antibiotic,
        sum(counts.n_tested)::bigint as n_tested,
        sum(counts.n_resistant)::bigint as n_resistant
    from {{ ref('int_community_resistance_counts') }} as counts
    inner join {{ ref('key_resistances') }} as shown
        on shown.participant_kind = 'laboratory' and shown.organism = counts.organism
        and shown.antibiotic = counts.antibiotic
    group by all
),

figures as (
    select own.*, {{ proportion_columns('n_resistant', 'n_tested', 'pct_resistant') }}, laboratories.department,
           laboratories.region_code
    from own
    inner join {{ ref('int_laboratories') }} as laboratories using (source_id, year)
),

areas as (
    select * from {{ ref('community_resistance') }} where age_group = 'ALL' and sex = 'ALL'
),

candidates as (
    select
        figures.source_id, figures.year, figures.setting, figures.organism, figures.antibiotic,
        groups.peer_group as area_level, groups.label_fr as area_label, areas.geo_code as area_code,
        areas.n_laboratories as area_laboratories, areas.pct_resistant as area_pct_resistant,
        areas.low_count as area_low_count, groups.rank
    from figures
    inner join {{ ref('peer_groups') }} as groups on groups.participant_kind = 'laboratory'
    inner join areas
        on areas.year = figures.year and areas.setting = figures.setting and areas.organism = figures.organism
        and areas.antibiotic = figures.antibiotic and areas.geo_level = groups.peer_group
        and areas.geo_code = case groups.peer_group
            when 'department' then figures.department when 'region' then figures.region_code else 'FR' end
    where areas.n_laboratories >= {{ disclosure_threshold('min_establishments_per_distribution') }}
    qualify row_number() over (
        partition by figures.source_id, figures.year, figures.setting, figures.organism, figures.antibiotic
        order by groups.rank
    ) = 1
)

select
    figures.source_id,
    figures.year,
    figures.setting,
    figures.organism,
    figures.antibiotic,
    figures.n_tested,
    figures.n_resistant,
    figures.pct_resistant,
    figures.ci_low,
    figures.ci_high,
    figures.low_count,
    previous.pct_resistant as previous_pct_resistant,
    previous.low_count as previous_low_count,
    candidates.area_level,
    candidates.area_label,
    candidates.area_code,
    candidates.area_laboratories,
    candidates.area_pct_resistant,
    candidates.area_low_count,
    national.pct_resistant as national_pct_resistant
from figures
left join figures as previous
    on previous.source_id = figures.source_id and previous.year = figures.year - 1
    and previous.setting = figures.setting and previous.organism = figures.organism
    and previous.antibiotic = figures.antibiotic
left join candidates
    on candidates.source_id = figures.source_id and candidates.year = figures.year
    and candidates.setting = figures.setting and candidates.organism = figures.organism
    and candidates.antibiotic = figures.antibiotic
left join areas as national
    on national.geo_level = 'national' and national.year = figures.year and national.setting = figures.setting
    and national.organism = figures.organism and national.antibiotic = figures.antibiotic

-- What each establishment's report shows for each indicator: its own value (flagged on small counts), its previous
-- year, the national value, and its peers' distribution from the first peer group (category, then region, then
-- nation) that holds enough establishments to be shown (disclosure_thresholds), with its percentile in that group.
with indicators as (
    select * from {{ ref('int_establishment_indicators') }}
),

memberships as (
    select
        indicators.*,
        groups.peer_group,
        groups.rank as peer_group_rank,
        groups.label_fr as peer_group_label,
        case groups.peer_group
            when 'category' then indicators.category
            when 'region' then indicators.region_code
            when 'national' then 'FR'
        end as group_code
    from indicators
    inner join {{ ref('peer_groups') }} as groups on groups.participant_kind = 'establishment'
),

ranked as (
    select
        indicator, year, finess, stratum_1, stratum_2, peer_group,
        100 * percent_rank() over (
            partition by indicator, year, stratum_1, stratum_2, peer_group, group_code order by value
        ) as percentile
    from memberships
    where eligible and value is not null and group_code is not null
),

chosen as (
    select
        memberships.indicator, memberships.year, memberships.finess, memberships.stratum_1, memberships.stratum_2,
        memberships.peer_group, memberships.peer_group_label, memberships.group_code as peer_group_code,
        distributions.n_establishments as peer_group_size, distributions.p25, distributions.p50, distributions.p75
    from memberships
    inner join {{ ref('int_peer_distributions') }} as distributions
        on distributions.indicator = memberships.indicator and distributions.year = memberships.year
        and distributions.stratum_1 = memberships.stratum_1 and distributions.stratum_2 = memberships.stratum_2
        and distributions.peer_group = memberships.peer_group and distributions.group_code = memberships.group_code
    qualify row_number() over (
        partition by memberships.indicator, memberships.year, memberships.finess, memberships.stratum_1,
            memberships.stratum_2
        order by memberships.peer_group_rank
    ) = 1
)

select
    indicators.indicator,
    indicators.year,
    indicators.finess,
    indicators.stratum_1,
    indicators.stratum_2,
    indicators.value,
    indicators.numerator,
    indicators.denominator,
    indicators.ci_low,
    indicators.ci_high,
    indicators.low_count,
    indicators.eligible,
    indicators.category,
    indicators.region_code,
    indicators.national_value,
    previous.value as previous_value,
    previous.low_count as previous_low_count,
    chosen.peer_group,
    chosen.peer_group_label,
    chosen.peer_group_code,
    chosen.peer_group_size,
    chosen.p25,
    chosen.p50,
    chosen.p75,
    ranked.percentile
from indicators
left join indicators as previous
    on previous.indicator = indicators.indicator and previous.finess = indicators.finess
    and previous.year = indicators.year - 1
    and previous.stratum_1 = indicators.stratum_1 and previous.stratum_2 = indicators.stratum_2
left join chosen
    on chosen.indicator = indicators.indicator and chosen.year = indicators.year and chosen.finess = indicators.finess
    and chosen.stratum_1 = indicators.stratum_1 and chosen.stratum_2 = indicators.stratum_2
left join ranked
    on ranked.indicator = indicators.indicator and ranked.year = indicators.year and ranked.finess = indicators.finess
    and ranked.stratum_1 = indicators.stratum_1 and ranked.stratum_2 = indicators.stratum_2
    and ranked.peer_group = chosen.peer_group

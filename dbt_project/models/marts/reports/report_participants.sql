-- One row per establishment and year with SPARES data (patient-days, consumption, or hospital isolates of an
-- establishment of the registry): who its report is for, and the date of the latest submission its figures include.
with participant_years as (
    select finess, year from {{ ref('stg_spares_activity') }}
    union
    select finess, year from {{ ref('stg_spares_consumption') }}
    union
    select isolates.source_id, isolates.year
    from {{ ref('int_isolates') }} as isolates
    inner join {{ ref('int_establishments') }} as establishments on establishments.finess = isolates.source_id
    where isolates.setting = 'HOSP'
),

current_submissions as (
    select keys.key_value, submissions.received_at
    from {{ source('raw', 'submission_keys') }} as keys
    inner join {{ source('raw', 'submissions') }} as submissions using (submission_id)
    where keys.superseded_by is null
        and keys.dataset in ('spares_activity', 'spares_consumption', 'isolates')
)

select
    'establishment' as participant_kind,
    participant_years.finess as participant_id,
    participant_years.year,
    coalesce(establishments.name, participant_years.finess) as name,
    establishments.category,
    categories.label_fr as category_label,
    establishments.region_code,
    establishments.region_name,
    max(current_submissions.received_at) as data_received_until
from participant_years
left join {{ ref('int_establishments') }} as establishments using (finess)
left join {{ ref('protocol_codes') }} as categories
    on categories.code_list = 'category' and categories.code = establishments.category
left join current_submissions
    on current_submissions.key_value = participant_years.finess || '|' || participant_years.year
group by all

-- Each IAS report in its latest version, with its region (from the registry), its delays, and its age when still
-- open, as of the date of the latest e-SIN extraction received (so that the same data give the same figures).
with reports as (
    select * from {{ ref('stg_signalements') }}
),

as_of as (
    -- An extraction is made after the reports it holds: a file dated before them (a sender's clock, a copy keeping an
    -- older date) is taken as made on the latest declaration, so that no age is negative.
    select greatest(max(submissions.received_at)::date, (select max(declared_on) from reports)) as as_of_date
    from {{ source('raw', 'submission_keys') }} as keys
    inner join {{ source('raw', 'submissions') }} as submissions using (submission_id)
    where keys.dataset = 'signalements' and keys.superseded_by is null
)

select
    reports.signal_id,
    reports.finess,
    reports.declared_on,
    reports.first_case_on,
    string_split(reports.criteria, '|') as criteria,
    reports.organism,
    reports.resistance,
    reports.cases,
    reports.deaths,
    reports.cpias_support = 'Y' as cpias_support,
    reports.status,
    reports.closed_on,
    year(reports.declared_on) as year,
    strftime(reports.declared_on, '%m') as month,
    date_diff('day', reports.first_case_on, reports.declared_on) as delay_days,
    date_diff('day', reports.declared_on, reports.closed_on) as closure_days,
    reports.status = 'OPEN' as is_open,
    case when reports.status = 'OPEN' then date_diff('day', reports.declared_on, as_of.as_of_date) end
        as open_age_days,
    as_of.as_of_date,
    establishments.name,
    establishments.region_code
from reports
cross join as_of
left join {{ ref('int_establishments') }} as establishments using (finess)

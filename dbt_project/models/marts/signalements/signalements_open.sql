-- IAS reports still open signalement_open_alert_days (90) days after their declaration, for their region's CPias,
-- as of the latest e-SIN extraction received.
select
    region_code,
    signal_id,
    finess,
    name,
    declared_on,
    open_age_days,
    array_to_string(criteria, '|') as criteria,
    organism,
    resistance,
    cases,
    deaths,
    cpias_support,
    as_of_date
from {{ ref('int_signalements') }}
where is_open and open_age_days >= {{ surveillance_parameter('signalement_open_alert_days') }}

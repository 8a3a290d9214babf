-- Current rows of the `signalements` submissions: superseded submissions stay in raw as history.
select
    signal_id,
    finess,
    declared_on,
    first_case_on,
    criteria,
    organism,
    resistance,
    cases,
    deaths,
    cpias_support,
    status,
    closed_on,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('signalements') }}
-- A later row for the same report updates it.
qualify row_number() over (partition by signal_id order by _line desc) = 1

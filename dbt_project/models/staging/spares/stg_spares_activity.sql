-- Current rows of the `spares_activity` submissions: superseded submissions stay in raw as history.
select
    finess,
    year,
    sector,
    patient_days,
    admissions,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('spares_activity') }}

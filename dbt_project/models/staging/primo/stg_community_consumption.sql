-- Current rows of the `community_consumption` submissions: superseded submissions stay in raw as history.
select
    department,
    year,
    atc_code,
    route,
    quantity,
    unit,
    prescriptions,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('community_consumption') }}

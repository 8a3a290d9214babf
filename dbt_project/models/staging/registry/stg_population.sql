-- Current rows of the `population` submissions: superseded submissions stay in raw as history.
select
    department,
    year,
    population,
    age_group,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('population') }}

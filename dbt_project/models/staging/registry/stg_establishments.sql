-- Current rows of the `establishments` submissions: superseded submissions stay in raw as history.
select
    finess,
    finess_ej,
    name,
    department,
    category,
    beds,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('establishments') }}

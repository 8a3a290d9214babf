-- Current rows of the `icsha` submissions: superseded submissions stay in raw as history.
select
    finess,
    year,
    activity,
    activity_volume,
    hand_rub_liters,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('icsha') }}

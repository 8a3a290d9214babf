-- Current rows of the `spiadi_bacteremia` submissions: superseded submissions stay in raw as history.
select
    finess,
    year,
    episode_id,
    patient_id,
    sample_date,
    sector,
    organism,
    portal,
    device_associated,
    acquisition,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('spiadi_bacteremia') }}

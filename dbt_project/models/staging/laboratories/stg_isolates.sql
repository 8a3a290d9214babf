-- Current rows of the `isolates` submissions: superseded submissions stay in raw as history.
select
    source_id,
    setting,
    isolate_id,
    patient_id,
    sex,
    age,
    sample_date,
    specimen,
    sector,
    department,
    organism,
    antibiotic,
    sir,
    mic,
    esbl,
    carbapenemase,
    _year as surveillance_year,
    _submission_id as submission_id,
    _key as submission_key,
    _line as source_line
from {{ current_rows('isolates') }}

-- Current rows of the `spiadi_exposure` submissions: superseded submissions stay in raw as history.
select
    finess,
    year,
    sector,
    patient_days,
    cvc_days,
    picc_days,
    port_days,
    pvc_days,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('spiadi_exposure') }}

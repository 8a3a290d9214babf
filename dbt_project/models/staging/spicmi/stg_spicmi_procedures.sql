-- Current rows of the `spicmi_procedures` submissions: superseded submissions stay in raw as history.
select
    finess,
    year,
    procedure_id,
    patient_id,
    procedure_code,
    procedure_date,
    asa,
    wound_class,
    duration_min,
    implant,
    ssi,
    ssi_depth,
    ssi_date,
    followup_days,
    _year as surveillance_year,
    _submission_id as submission_id,
    _line as source_line
from {{ current_rows('spicmi_procedures') }}

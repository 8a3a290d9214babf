-- SPIADI denominators per establishment, year and sector (and ALL): patient-days and device-days by device, with
-- the establishment's category and region.
with exposure as (
    select finess, year, sector, patient_days, cvc_days, picc_days, port_days, pvc_days
    from {{ ref('stg_spiadi_exposure') }}
),

with_all as (
    select * from exposure
    union all
    select finess, year, 'ALL', sum(patient_days), sum(cvc_days), sum(picc_days), sum(port_days), sum(pvc_days)
    from exposure
    group by finess, year
)

select with_all.*, establishments.category, establishments.region_code
from with_all
left join {{ ref('int_establishments') }} as establishments using (finess)

-- AWaRe category per ATC code, and per route where WHO distinguishes them (fosfomycin and minocycline:
-- Reserve intravenously, Watch orally).
select
    atc_code,
    case
        when antibiotic like '%\_IV' escape '\' then 'P'
        when antibiotic like '%\_oral' escape '\' then 'O'
    end as route,
    upper(aware_category) as aware_category
from {{ ref('who_aware_2023') }}
where atc_code like 'J01%'

-- SPICMI: per establishment, year and procedure (and ALL), the observed SSI and the SSI expected if each of its
-- procedures had the national rate of its procedure and NNIS stratum that year. SIR and intervals: ssi_sir.
with national as (
    select year, procedure_code, nnis_index::integer as nnis_index, n_ssi::double / n_procedures as stratum_rate
    from {{ ref('ssi_rates') }}
    where geo_level = 'national' and procedure_code <> 'ALL' and nnis_index <> 'ALL'
),

procedures as (
    select procedures.*, national.stratum_rate
    from {{ ref('int_procedures_scored') }} as procedures
    inner join national using (year, procedure_code, nnis_index)
)

select
    finess,
    year,
    case when grouping(procedure_code) = 1 then 'ALL' else procedure_code end as procedure_code,
    count(*) as n_procedures,
    count(*) filter (where has_ssi) as observed,
    {{ exact_sum('stratum_rate') }} as expected
from procedures
group by grouping sets ((finess, year, procedure_code), (finess, year))

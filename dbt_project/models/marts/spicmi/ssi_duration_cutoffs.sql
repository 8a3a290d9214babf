-- SPICMI: the NNIS duration cut-off of each procedure and year, the percentile nnis_duration_percentile (75th) of
-- that procedure's durations over the whole country, interpolated linearly between the two nearest durations (as
-- quantile_cont): every establishment is scored against these same cut-offs.
with durations as (
    select
        year,
        procedure_code,
        list(duration_min order by duration_min) as sorted,
        count(*) as n_procedures,
        (count(*) - 1) * {{ surveillance_parameter('nnis_duration_percentile') }} as position
    from {{ ref('stg_spicmi_procedures') }}
    group by year, procedure_code
)

select
    year,
    procedure_code,
    sorted[floor(position)::integer + 1]
        + (position - floor(position)) * (sorted[ceil(position)::integer + 1] - sorted[floor(position)::integer + 1])
        as cutoff_minutes,
    n_procedures
from durations

-- MATIS: the ICSHA of each establishment and year, hand rub consumed over the target volume (the activity volumes
-- times the minimum frictions of the icsha_frictions seed, times icsha_ml_per_friction mL), and its class (A-E,
-- icsha_classes seed).
with icsha as (
    select * from {{ ref('stg_icsha') }}
),

volumes as (
    select
        icsha.finess,
        icsha.year,
        max(icsha.hand_rub_liters) as hand_rub_liters,
        {{ exact_sum('icsha.activity_volume * frictions.frictions_per_unit', filter="icsha.activity <> 'TOTAL'") }}
            * {{ surveillance_parameter('icsha_ml_per_friction') }} / 1000 as target_liters
    from icsha
    left join {{ ref('icsha_frictions') }} as frictions using (activity)
    group by icsha.finess, icsha.year
),

results as (
    select volumes.*, 100 * hand_rub_liters / nullif(target_liters, 0) as icsha_pct
    from volumes
)

select
    results.finess,
    results.year,
    establishments.category,
    establishments.region_code,
    results.hand_rub_liters,
    results.target_liters,
    results.icsha_pct,
    (
        -- the class of the result as published, to two decimals: 16.8 L of 21 L is 80 %, not 79.999...
        select classes.icsha_class from {{ ref('icsha_classes') }} as classes
        where round(results.icsha_pct, 2) > classes.lower_bound_pct
            or (classes.lower_inclusive and round(results.icsha_pct, 2) = classes.lower_bound_pct)
        order by classes.lower_bound_pct desc
        limit 1
    ) as icsha_class
from results
left join {{ ref('int_establishments') }} as establishments using (finess)

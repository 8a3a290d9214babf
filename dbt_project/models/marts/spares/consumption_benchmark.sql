-- Distribution of establishment rates within each category (linear interpolation between order
-- statistics, as quantile_cont), beside the category's pooled rate.
select
    year,
    category,
    sector,
    atc_group,
    count(*) as n_establishments,
    quantile_cont(ddd_per_1000_patient_days, 0.10) as p10,
    quantile_cont(ddd_per_1000_patient_days, 0.25) as p25,
    quantile_cont(ddd_per_1000_patient_days, 0.50) as p50,
    quantile_cont(ddd_per_1000_patient_days, 0.75) as p75,
    quantile_cont(ddd_per_1000_patient_days, 0.90) as p90,
    {{ exact_sum('ddd') }} / sum(patient_days) * 1000 as pooled_rate
from {{ ref('int_establishment_consumption_rates') }}
where category is not null and patient_days > 0
group by all

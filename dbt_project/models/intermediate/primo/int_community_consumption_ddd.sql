-- Each community consumption row (reimbursement data, per département) in DDD, by the conversion of SPARES.
with consumption as (
    select department, year, atc_code, route, quantity, unit, prescriptions
    from {{ ref('stg_community_consumption') }}
)

{{ consumption_in_ddd('consumption') }}

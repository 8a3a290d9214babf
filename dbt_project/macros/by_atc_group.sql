{# Consumption in DDD of `relation` (rows with atc_code, route, n_ddd, in_spares_scope) summed per `keys` and ATC
   group of the atc_groups seed: ALL (the SPARES scope), each ATC prefix, and the AWaRe categories of J01 (per route
   where WHO splits them). `sums` maps each output column to the column it sums (n_ddd for ddd, ...). One grouping
   for hospitals and the community. #}
{% macro by_atc_group(relation, keys, sums) -%}
{%- set key_list = keys | join(', ') -%}
{%- set summed = [] -%}
{%- for output, column in sums.items() %}{% do summed.append(column) %}{% endfor -%}
with consumption as (
    select {{ key_list }}, atc_code, route, {{ summed | join(', ') }}
    from {{ relation }}
    where in_spares_scope
),

groups as (
    select * from {{ ref('atc_groups') }}
),

memberships as (
    select consumption.*, groups.atc_group
    from consumption
    inner join groups on groups.kind = 'scope'
    union all
    select consumption.*, groups.atc_group
    from consumption
    inner join groups on groups.kind = 'atc' and starts_with(consumption.atc_code, groups.atc_prefix)
    union all
    select consumption.*, groups.atc_group
    from consumption
    inner join {{ ref('int_aware_categories') }} as aware
        on aware.atc_code = consumption.atc_code
        and (aware.route is null or aware.route = consumption.route)
    inner join groups on groups.kind = 'aware' and groups.atc_group = aware.aware_category
)

select
    {{ key_list }},
    atc_group,
    {%- for output, column in sums.items() %}
    {{ exact_sum(column) }} as {{ output }}{{ "," if not loop.last }}
    {%- endfor %}
from memberships
group by {{ key_list }}, atc_group
{%- endmacro %}

{# The sum of a double `expression`, the same to the last bit on every run. DuckDB adds doubles in parallel, in an
   order that changes from run to run, and so do the last digits of a plain sum. Here each value becomes a decimal of
   18 places (as near as a double can say it: within one rounding), the decimals are added exactly, whatever their
   order, and the total becomes a double again. Room for totals up to 1e20. `filter` and `over` are the aggregate's
   own clauses. #}
{% macro exact_sum(expression, filter=none, over=none) -%}
cast(sum(cast({{ expression }} as decimal(38, 18)))
    {%- if filter %} filter (where {{ filter }}){% endif %}
    {%- if over %} over {{ over }}{% endif %} as double)
{%- endmacro %}

{# A threshold of the disclosure_thresholds seed, as a scalar subquery: thresholds are data, never typed in SQL. #}
{% macro disclosure_threshold(name) -%}
    (select value from {{ ref('disclosure_thresholds') }} where threshold = '{{ name }}')
{%- endmacro %}

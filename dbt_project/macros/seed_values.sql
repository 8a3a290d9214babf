{# A parameter of the surveillance_parameters seed, as a scalar subquery: parameters are data, never typed in SQL. #}
{% macro surveillance_parameter(name) -%}
    (select value from {{ ref('surveillance_parameters') }} where parameter = '{{ name }}')
{%- endmacro %}
{# A threshold of the disclosure_thresholds seed, as a scalar subquery: thresholds are data, never typed in SQL. #}
{% macro disclosure_threshold(name) -%}
    (select value from {{ ref('disclosure_thresholds') }} where threshold = '{{ name }}')
{%- endmacro %}

{# Generic test: no two rows share the same values of `columns` (dbt_utils is out of reach here). #}
{% test unique_combination(model, columns) %}
{{ duplicate_rows(model, columns) }}
{% endtest %}

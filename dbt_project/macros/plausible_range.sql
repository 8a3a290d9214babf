{# Generic test, a warning: the column lies within plausible bounds (DOMAIN.md orders of magnitude); use `where` to
   test the national rows only. A failure asks for a look, it does not stop the marts. #}
{% test plausible_range(model, column_name, min_value, max_value) %}
{{ config(severity='warn') }}
select *
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

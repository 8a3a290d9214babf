{# Generic test: every value of the column is a value of `field` in the rows of `to` that meet `to_condition` - a
   code of one list of a seed that holds several (protocol_codes: code_list = 'sector'). Rows of the model are
   narrowed, as for any test, by the config's `where` (totals such as ALL are no code). #}
{% test relationships_where(model, column_name, to, field, to_condition) %}
select {{ column_name }} as unknown_value, count(*) as n_rows
from {{ model }}
where {{ column_name }} is not null
    and {{ column_name }} not in (
        select {{ field }} from {{ to }} where ({{ to_condition }}) and {{ field }} is not null
    )
group by {{ column_name }}
{% endtest %}

{# Generic test: the estimate lies within its confidence interval on every row (bounds included). #}
{% test value_within_interval(model, value, low, high) %}
select *
from {{ model }}
where {{ value }} < {{ low }} or {{ value }} > {{ high }}
{% endtest %}

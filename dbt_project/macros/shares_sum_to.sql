{# Generic test: the shares of a distribution add up to `total` (100, in %) within `tolerance`, in each group of
   `group_by` (one distribution per year and area, say). A group whose shares are all null fails nothing. #}
{% test shares_sum_to(model, column_name, group_by, total=100, tolerance=0.000001) %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as sum_of_shares
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum({{ column_name }}) - {{ total }}) > {{ tolerance }}
{% endtest %}

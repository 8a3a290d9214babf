{# Generic test: the column lies within its bounds on every row. `min_value` and `max_value` (either may be left out)
   are numbers or SQL expressions: another column of the row (n_resistant within 0 and n_tested), or a value of a
   seed, "(select value from {{ ref('disclosure_thresholds') }} where threshold = 'min_isolates_resistance')" (the
   ref written in the argument itself, so that dbt sees the dependency: a macro such as disclosure_threshold hides
   it when dbt parses the arguments). Bounds are included unless `inclusive` is false (a denominator above 0);
   `tolerance` widens them by that much, for a figure computed in floating point from sums that are equal in exact
   arithmetic (J01's share of J01 may come out at 100.00000000000001). A null value or bound fails nothing: not_null
   says where a value must be. An error unless the test's config says otherwise (plausible_range is the warning on
   orders of magnitude). #}
{% test within_bounds(model, column_name, min_value=none, max_value=none, inclusive=true, tolerance=0) %}
{%- if min_value is none and max_value is none -%}
    {{ exceptions.raise_compiler_error("within_bounds on " ~ column_name ~ ": give min_value, max_value or both") }}
{%- endif %}
{%- set widened = (' - ' ~ tolerance, ' + ' ~ tolerance) if tolerance else ('', '') %}
select *
from {{ model }}
where
{%- if min_value is not none %} {{ column_name }} {{ '<' if inclusive else '<=' }} ({{ min_value }}){{ widened[0] }}{% endif %}
{%- if min_value is not none and max_value is not none %} or{% endif %}
{%- if max_value is not none %} {{ column_name }} {{ '>' if inclusive else '>=' }} ({{ max_value }}){{ widened[1] }}{% endif %}
{% endtest %}

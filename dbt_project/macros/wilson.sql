{# Wilson score interval bound (95 %), in percent: sign -1 for the lower bound, +1 for the upper. The lower bound is
   exactly 0 when no isolate is resistant and the upper bound exactly 100 when all are. #}
{% macro wilson_bound(successes, trials, sign) -%}
    case
        when {{ sign }} < 0 and {{ successes }} = 0 then 0.0
        when {{ sign }} > 0 and {{ successes }} = {{ trials }} then 100.0
        else greatest(0.0, least(100.0, 100.0 * (
            ({{ successes }}::DOUBLE / {{ trials }} + 1.959963984540054 ^ 2 / (2 * {{ trials }}))
            + ({{ sign }}) * 1.959963984540054 * sqrt(
                ({{ successes }}::DOUBLE / {{ trials }}) * (1 - {{ successes }}::DOUBLE / {{ trials }}) / {{ trials }}
                + 1.959963984540054 ^ 2 / (4 * {{ trials }} ^ 2))
        ) / (1 + 1.959963984540054 ^ 2 / {{ trials }})))
    end
{%- endmacro %}

{# A proportion as the marts publish it: the percentage named `name`, its Wilson 95 % interval (ci_low, ci_high)
   and the small-count flag of the disclosure thresholds (low_count). #}
{% macro proportion_columns(successes, trials, name) -%}
    100.0 * {{ successes }} / {{ trials }} as {{ name }},
    {{ wilson_bound(successes, trials, -1) }} as ci_low,
    {{ wilson_bound(successes, trials, 1) }} as ci_high,
    {{ trials }} < {{ disclosure_threshold('min_isolates_resistance') }} as low_count
{%- endmacro %}

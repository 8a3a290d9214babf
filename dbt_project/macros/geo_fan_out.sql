{# The national / region / category / establishment fan-out, written once: each row of `relation` once per level,
   with `geo_level` and `geo_code`. `levels` is a list of [level, code expression]; a row whose code is null is left
   out of that level (an establishment missing from the registry has no region, yet counts nationally). #}
{% macro geo_fan_out(relation, levels) -%}
{%- for level, code in levels %}
select {{ relation }}.*, '{{ level }}' as geo_level, {{ code }} as geo_code
from {{ relation }}
where {{ code }} is not null
{% if not loop.last %}union all{% endif %}
{%- endfor %}
{%- endmacro %}

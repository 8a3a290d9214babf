{# The rows of `relation` whose `columns` another row shares, with how many share them. Keys are hashed first: only
   the rows of a hash met twice are grouped on the columns themselves (on 16.7 M isolate results, 1.9 s instead
   of 3.9). Rows alike in `columns` have the same hash, so no duplicate is missed, and a collision of hashes alone
   is not reported. Nulls are alike, as in GROUP BY. #}
{% macro duplicate_rows(relation, columns) -%}
{%- set keys = columns | join(', ') -%}
with hashed as not materialized (
    select hash({{ keys }}) as row_hash, {{ keys }} from {{ relation }}
),

repeated as (
    select row_hash from hashed group by row_hash having count(*) > 1
)

select {{ keys }}, count(*) as n_rows
from hashed
where row_hash in (select row_hash from repeated)
group by {{ keys }}
having count(*) > 1
{%- endmacro %}

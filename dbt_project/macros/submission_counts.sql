{# The counts of a model built per submission: `counted` grouped by `dimensions` (source_id and year among them),
   then each group given the (submission, key) pair of its source and year in `pairs` (one current pair for each:
   the key is source|year). The pair is joined last: carried through the counting, it made it spill. #}
{% macro submission_counts(counted, pairs, dimensions, measures) -%}
select counts.*, pairs.submission_id, pairs.submission_key
from (
    select {{ dimensions | join(', ') }}, {{ measures }}
    from {{ counted }}
    group by {{ dimensions | join(', ') }}
) as counts
inner join (select distinct source_id, year, submission_id, submission_key from {{ pairs }}) as pairs
    using (source_id, year)
{%- endmacro %}

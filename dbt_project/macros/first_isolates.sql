{# CLSI M39 first isolates of `relation` (isolates with source_id, patient_id, organism, year, sample_date,
   isolate_id): the earliest per patient, species and year, ties broken by isolate_id. One rule for SPARES and
   PRIMO. #}
{% macro first_isolates(relation) -%}
select *
from {{ relation }}
qualify row_number() over (
    partition by source_id, patient_id, organism, year
    order by sample_date, isolate_id
) = 1
{%- endmacro %}

{# Each tested isolate of `isolates` (with source_id, year, isolate_id, organism, organism_group) under every heading
   of its phenotypes: the scope of phenotype_organisms (a species or a group) and, for a group, the isolate's own
   species as well; one row per isolate, phenotype and heading, with is_positive. One rule for hospitals and the
   community. #}
{% macro phenotype_headings(isolates) -%}
with headings as (
    select
        isolates.*,
        phenotypes.phenotype,
        unnest([scopes.organism_scope, isolates.organism]) as heading,
        phenotypes.is_positive
    from {{ isolates }} as isolates
    inner join {{ ref('int_isolate_phenotypes') }} as phenotypes using (source_id, year, isolate_id)
    inner join {{ ref('phenotype_organisms') }} as scopes
        on scopes.phenotype = phenotypes.phenotype
        and scopes.organism_scope in (isolates.organism, isolates.organism_group)
    where phenotypes.is_tested
)

select distinct * from headings
{%- endmacro %}

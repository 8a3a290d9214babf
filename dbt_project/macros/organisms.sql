{#- How organisms are recognised, whatever laboratories write: the ECDC code, the scientific name or an alias of
    the seeds, in any case, with any spaces or punctuation, abbreviated ("E. coli"), or followed by a subspecies or
    a qualifier ("Klebsiella pneumoniae subsp. pneumoniae", "E. coli BLSE"). Validation renders these same macros
    (vigie/organisms.py), so a name the marts recognise is exactly a name the sender is not warned about.
    No dbt function may appear here: only the relations passed in. -#}

{% macro organism_key(expression) -%}
    trim(regexp_replace(upper(strip_accents(coalesce({{ expression }}, ''))), '[^A-Z0-9]+', ' ', 'g'))
{%- endmacro %}

{#- Every key that names exactly one organism: codes, names, aliases, and their abbreviated forms (first letter
    of the genus). A key that would name two organisms names none. -#}
{% macro organism_lookup(organisms, aliases) -%}
with names as (
    select organism_code, organism_code as name from {{ organisms }}
    union all
    select organism_code, scientific_name from {{ organisms }}
    union all
    select organism_code, alias from {{ aliases }}
),

keys as (
    select organism_code, {{ organism_key('name') }} as organism_key from names
    union all
    select organism_code, regexp_replace({{ organism_key('name') }}, '^([A-Z])[A-Z0-9]* ', '\1 ') from names
    where {{ organism_key('name') }} like '% %'
)

select organism_key, min(organism_code) as organism_code
from keys
group by organism_key
having count(distinct organism_code) = 1
{%- endmacro %}

{#- The organism code of each name of `names` (column `organism_as_sent`): the whole name first, then its first two
    words (genus and species), which later words never change; null when unknown. -#}
{% macro organism_resolution(names, lookup) -%}
select
    names.organism_as_sent,
    coalesce(whole.organism_code, binomial.organism_code) as organism_code
from {{ names }} as names
left join {{ lookup }} as whole
    on whole.organism_key = {{ organism_key('names.organism_as_sent') }}
left join {{ lookup }} as binomial
    on binomial.organism_key = regexp_extract({{ organism_key('names.organism_as_sent') }}, '^[A-Z0-9]+ [A-Z0-9]+')
{%- endmacro %}

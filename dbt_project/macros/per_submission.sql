{# Models built per submission: each row of such a model comes from the rows of one current (submission, key) pair
   of one dataset, plus seeds, and keeps that pair in its submission_id and submission_key columns. A build of the
   models a landed file selects (VIGIE_DBT_PER_SUBMISSION=true, set by assets/dbt.per_submission when every build
   since the last complete one used this project) deletes the rows of the pairs a later submission superseded, then
   adds those of the current pairs the model does not hold yet, in one transaction: a laboratory's corrected file
   recomputes that laboratory's year, not the nation's history. Every other build recomputes the whole model. #}

{% macro per_submission_config(dataset) -%}
    {{ return({'materialized': 'incremental', 'incremental_strategy': 'append',
               'full_refresh': env_var('VIGIE_DBT_PER_SUBMISSION', 'false') != 'true',
               'pre_hook': "{{ superseded_rows_deleted('" ~ dataset ~ "') }}"}) }}
{%- endmacro %}

{% macro current_submission_keys(dataset) -%}
    select submission_id, key_value as submission_key
    from {{ source('raw', 'submission_keys') }}
    where dataset = '{{ dataset }}' and superseded_by is null
{%- endmacro %}

{# Whether this build adds to the model's rows (unit tests have no `this`, and build the whole model). #}
{% macro built_per_submission() -%}
    {{ return(this is not none and is_incremental()) }}
{%- endmacro %}

{% macro superseded_rows_deleted(dataset) -%}
    {%- if built_per_submission() -%}
        delete from {{ this }} as held
        where not exists (
            select 1 from ({{ current_submission_keys(dataset) }}) as current_keys
            where current_keys.submission_id = held.submission_id
                and current_keys.submission_key = held.submission_key
        )
    {%- endif -%}
{%- endmacro %}

{# `relation`'s rows, or only those of the current pairs this model does not hold yet when built per submission. #}
{% macro pending_submission_rows(relation, dataset) -%}
    {%- if built_per_submission() -%}
        (
            select * from {{ relation }}
            semi join (
                {{ current_submission_keys(dataset) }}
                except
                select distinct submission_id, submission_key from {{ this }}
            ) as pending using (submission_id, submission_key)
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{# `relation`'s rows of the pairs found in `pairs` (a model's pending rows) when built per submission. A pair that
   gives a model no row (a hospital's, for the community models) stays pending at every build: reading `relation`
   for all pending pairs would read most of it. #}
{% macro rows_of_pairs(relation, pairs) -%}
    {%- if built_per_submission() -%}
        (
            select * from {{ relation }}
            semi join (select distinct submission_id, submission_key from {{ pairs }}) as pairs
                using (submission_id, submission_key)
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{# Rows of a raw table that belong to the current submission of their key: a later submission for the
   same key supersedes the earlier one, which stays in the raw table as history. #}
{% macro current_rows(dataset) -%}
(
    select raw_rows.*
    from {{ source('raw', dataset) }} as raw_rows
    inner join {{ source('raw', 'submission_keys') }} as submission_keys
        on submission_keys.submission_id = raw_rows._submission_id
        and submission_keys.key_value = raw_rows._key
        and submission_keys.superseded_by is null
)
{%- endmacro %}

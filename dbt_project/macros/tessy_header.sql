{# The TESSy fields that open every ECDC record, from the export's row of the ecdc_record_types seed. #}
{% macro tessy_header(record_type) -%}
    {{ record_type }}.record_type as RecordType,
    {{ record_type }}.record_type_version as RecordTypeVersion,
    {{ record_type }}.subject as Subject,
    {{ record_type }}.status as Status,
    {{ record_type }}.data_source as DataSource,
    {{ record_type }}.reporting_country as ReportingCountry,
{%- endmacro %}

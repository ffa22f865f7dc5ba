{#- Use the custom schema name as is (raw, staging, marts, ...), so users query
    `marts.erbb2_prevalence` rather than dbt's default `main_marts.erbb2_prevalence`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}

{#- Paths (absolute or relative to the working directory) matching a glob, sorted.
    Runs at execution time; returns [] while dbt only parses. -#}
{% macro list_files(pattern) -%}
    {{ return(adapter.dispatch('list_files', 'her2lung')(pattern)) }}
{%- endmacro %}

{% macro duckdb__list_files(pattern) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set result = run_query("select file from glob(" ~ sql_string(pattern) ~ ") order by file") -%}
    {{ return(result.columns[0].values() | list) }}
{%- endmacro %}

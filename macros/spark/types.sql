{#- Type names. The contracts in the models' yml and the seeds declare DuckDB/ANSI names
    (varchar, bigint, double, boolean); Spark has no length-less varchar, its text type is
    string. dbt builds a contract's expected schema with dbt.cast(null, <declared type>), so
    translating here keeps one set of yml files for both engines. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type_name(type) }})
{%- endmacro %}

{% macro spark_type_name(type) -%}
    {%- set name = type | string | trim -%}
    {{- 'string' if name | lower in ('varchar', 'text', 'char varying', 'character varying') else name -}}
{%- endmacro %}

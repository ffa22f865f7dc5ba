{#- The folder that holds one sub-folder per cBioPortal study (var `studies_dir`,
    env HER2LUNG_STUDIES_DIR), without a trailing slash. -#}
{% macro studies_dir() -%}
    {%- set value = (var('studies_dir') | string | trim) -%}
    {{- return(value.rstrip('/') if value != '/' else value) -}}
{%- endmacro %}

{#- A SQL string literal, quotes doubled. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}

{#- Regular expressions differ by engine; models call these instead. Patterns are written
    for RE2/Java alike (no look-arounds); backslashes are passed through as written. -#}
{% macro regexp_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'her2lung')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_full_match(expression, pattern) -%}
    ({{ expression }} rlike '^(?:{{ pattern | replace("\\", "\\\\") }})$')
{%- endmacro %}

{% macro regexp_extract_group(expression, pattern, group) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'her2lung')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{% macro spark__regexp_extract_group(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern | replace("\\", "\\\\") }}', {{ group }}), '')
{%- endmacro %}

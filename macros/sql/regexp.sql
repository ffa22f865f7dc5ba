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

{#- True when `value` is one of the `separator`-separated items of `list_text`. -#}
{% macro delimited_list_contains(list_text, separator, value) -%}
    {{ return(adapter.dispatch('delimited_list_contains', 'her2lung')(list_text, separator, value)) }}
{%- endmacro %}

{% macro default__delimited_list_contains(list_text, separator, value) -%}
    list_contains(string_split({{ list_text }}, '{{ separator }}'), {{ value }})
{%- endmacro %}

{% macro spark__delimited_list_contains(list_text, separator, value) -%}
    array_contains(split({{ list_text }}, '\\{{ separator }}'), {{ value }})
{%- endmacro %}

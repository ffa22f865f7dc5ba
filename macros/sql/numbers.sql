{#- True for +/- infinity (false for NaN and finite values, NULL for NULL). -#}
{% macro is_infinite(expression) -%}
    {{ return(adapter.dispatch('is_infinite', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__is_infinite(expression) -%}isinf({{ expression }}){%- endmacro %}
{% macro spark__is_infinite(expression) -%}
    (abs({{ expression }}) = cast('Infinity' as double))
{%- endmacro %}

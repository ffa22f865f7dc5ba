{#- A 64-bit hash of several expressions (NULLs hash alike, as window partitions group them).
    Used to find candidate duplicate keys cheaply; exact comparison follows. -#}
{% macro row_hash(expressions) -%}
    {{ return(adapter.dispatch('row_hash', 'her2lung')(expressions)) }}
{%- endmacro %}
{% macro default__row_hash(expressions) -%}hash({{ expressions | join(', ') }}){%- endmacro %}
{% macro spark__row_hash(expressions) -%}xxhash64({{ expressions | join(', ') }}){%- endmacro %}

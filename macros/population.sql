{#- The analysis population filter (var population): 'luad' (OncoTree LUAD samples and their
    patients, the default) or 'nsclc'. `relation_alias` is a table with is_luad / is_nsclc. -#}
{% macro in_population(relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    {%- if var('population') == 'luad' -%}
        {{ prefix }}is_luad
    {%- elif var('population') == 'nsclc' -%}
        {{ prefix }}is_nsclc
    {%- else -%}
        {{ exceptions.raise_compiler_error("var population must be 'luad' or 'nsclc', got '" ~ var('population') ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- List (array) helpers. DuckDB lists are 1-based and unnest in the select list; Spark arrays
    are 0-based and explode through generators (one per select), so models call these. -#}

{#- Every element with surrounding whitespace removed. -#}
{% macro trim_list(expression) -%}
    {{ return(adapter.dispatch('trim_list', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__trim_list(expression) -%}list_transform({{ expression }}, lambda x: trim(x)){%- endmacro %}
{% macro spark__trim_list(expression) -%}transform({{ expression }}, x -> trim(x)){%- endmacro %}

{#- True when the list holds the value. -#}
{% macro list_contains(list_expression, value) -%}
    {{ return(adapter.dispatch('list_contains', 'her2lung')(list_expression, value)) }}
{%- endmacro %}
{% macro default__list_contains(list_expression, value) -%}list_contains({{ list_expression }}, {{ value }}){%- endmacro %}
{% macro spark__list_contains(list_expression, value) -%}array_contains({{ list_expression }}, {{ value }}){%- endmacro %}

{#- Text split at every occurrence of a literal one-character separator, empty items kept. -#}
{% macro split_text(expression, separator) -%}
    {{ return(adapter.dispatch('split_text', 'her2lung')(expression, separator)) }}
{%- endmacro %}
{% macro default__split_text(expression, separator) -%}string_split({{ expression }}, {{ sql_string(separator) }}){%- endmacro %}
{% macro spark__split_text(expression, separator) -%}
    {#- Spark splits at a Java regex: escape the separator unless it is a letter or digit. -#}
    split({{ expression }}, {{ sql_string(separator if separator.isalnum() else '\\\\' ~ separator) }}, -1)
{%- endmacro %}

{#- Select-list item(s): one output row per list element, as column `item_alias`. -#}
{% macro unnest_list(list_expression, item_alias) -%}
    {{ return(adapter.dispatch('unnest_list', 'her2lung')(list_expression, item_alias)) }}
{%- endmacro %}
{% macro default__unnest_list(list_expression, item_alias) -%}unnest({{ list_expression }}) as {{ item_alias }}{%- endmacro %}
{% macro spark__unnest_list(list_expression, item_alias) -%}explode({{ list_expression }}) as {{ item_alias }}{%- endmacro %}

{#- Select-list items: one output row per list element, the element as `item_alias` and its
    1-based position (bigint) as `position_alias`. The only row generator of its select. -#}
{% macro unnest_with_position(list_expression, item_alias, position_alias) -%}
    {{ return(adapter.dispatch('unnest_with_position', 'her2lung')(list_expression, item_alias, position_alias)) }}
{%- endmacro %}
{% macro default__unnest_with_position(list_expression, item_alias, position_alias) -%}
    unnest({{ list_expression }}) as {{ item_alias }},
    unnest(range(1, len({{ list_expression }}) + 1)) as {{ position_alias }}
{%- endmacro %}
{% macro spark__unnest_with_position(list_expression, item_alias, position_alias) -%}
    inline(transform({{ list_expression }}, (x, i) -> named_struct(
        '{{ item_alias }}', x, '{{ position_alias }}', cast(i + 1 as bigint))))
{%- endmacro %}

{#- Aggregate: the values of a text expression joined by a separator, in sorted order. -#}
{% macro sorted_text_agg(expression, separator) -%}
    {{ return(adapter.dispatch('sorted_text_agg', 'her2lung')(expression, separator)) }}
{%- endmacro %}
{% macro default__sorted_text_agg(expression, separator) -%}
    string_agg({{ expression }}, {{ sql_string(separator) }} order by {{ expression }})
{%- endmacro %}
{% macro spark__sorted_text_agg(expression, separator) -%}
    array_join(array_sort(collect_list({{ expression }})), {{ sql_string(separator) }})
{%- endmacro %}

{#- A one-column inline table of string values, portable across engines.
    Empty input gives an empty table with the same column. -#}
{% macro values_table(values, column_name) -%}
    {%- if values | length == 0 -%}
    select cast(null as {{ dbt.type_string() }}) as {{ column_name }} where 1 = 0
    {%- else -%}
    select {{ column_name }} from (values
        {%- for v in values %}
        ({{ sql_string(v) }}){{ "," if not loop.last }}
        {%- endfor %}
    ) as inline_values ({{ column_name }})
    {%- endif -%}
{%- endmacro %}

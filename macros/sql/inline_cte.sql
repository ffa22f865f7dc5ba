{#- `not materialized` where the engine takes it (DuckDB), else nothing. DuckDB materialises a
    CTE that is read more than once, over all its rows, before the readers' filters apply; inlined
    at each use, a reader's filter (e.g. the study scope of a model built by study) reaches the
    scans. Spark inlines CTEs anyway. Usage: `name as {{ inline_cte() }} (select ...)`. -#}
{% macro inline_cte() -%}
    {{ return(adapter.dispatch('inline_cte', 'her2lung')()) }}
{%- endmacro %}

{% macro default__inline_cte() -%}{%- endmacro %}

{% macro duckdb__inline_cte() -%}not materialized{%- endmacro %}

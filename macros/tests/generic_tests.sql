{#- Small generic tests (dbt_utils is not reachable offline, so we keep our own). -#}

{#- No two rows share the same combination of columns. The exact grouping runs only on the
    rows whose combination shares a 64-bit hash with another row's (a group-by on one integer
    first): grouping millions of rows by several text columns was most of the test's time. -#}
{% test unique_combination(model, columns) %}
with repeated_keys as (
    select {{ row_hash(columns) }} as row_key
    from {{ model }}
    group by 1
    having count(*) > 1
)

select {{ columns | join(', ') }}, count(*) as n_rows
from {{ model }}
where {{ row_hash(columns) }} in (select row_key from repeated_keys)
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Non-null values lie within [min_value, max_value]. -#}
{% test value_in_range(model, column_name, min_value=none, max_value=none) %}
select *
from {{ model }}
where {{ column_name }} is not null
    and (
        1 = 0
        {%- if min_value is not none %} or {{ column_name }} < {{ min_value }}{% endif %}
        {%- if max_value is not none %} or {{ column_name }} > {{ max_value }}{% endif %}
    )
{% endtest %}

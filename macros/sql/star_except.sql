{#- Comma-separated column list of a relation, minus some columns (portable `* exclude`).
    While dbt only parses, returns `*`. -#}
{% macro star_except(relation, excluded) -%}
    {%- if not execute -%}{{ return('*') }}{%- endif -%}
    {%- set lowered = excluded | map('lower') | list -%}
    {%- set names = [] -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
        {%- if column.name | lower not in lowered -%}{%- do names.append(adapter.quote(column.name)) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(names | join(', ')) }}
{%- endmacro %}

{#- The accepted rows of a base model: every column but the raw line and the reason.
    `scope`: a further condition (her2lung_study_scope of a model built by study). -#}
{% macro staged_rows(base_relation, scope='true') -%}
    select {{ star_except(base_relation, ['line', 'reject_reason']) }}
    from {{ base_relation }}
    where reject_reason is null
    {%- if scope != 'true' %}
        and {{ scope }}
    {%- endif %}
{%- endmacro %}

{#- The quarantined rows of a base model: the raw line, the reason and provenance. -#}
{% macro rejected_rows(base_relation, scope='true') -%}
    select
        {{ star_except(base_relation, ['line', 'reject_reason', 'source_file', 'source_line']) }},
        reject_reason,
        line as raw_line,
        source_file,
        source_line
    from {{ base_relation }}
    where reject_reason is not null
    {%- if scope != 'true' %}
        and {{ scope }}
    {%- endif %}
{%- endmacro %}

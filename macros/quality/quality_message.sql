{#- Helpers shared by the data-quality checks (models/quality, data-tests/quality).

    Every check returns one row per offending record with the same leading columns, so the
    Python side (her2lung.quality) can read any of them the same way:
      rule          the check's name (= the dbt test name)
      study_id      the study of the offending record
      subject_type  'sample', 'patient', 'study' or the quarantined entity
      subject_id    the sample / patient / study id (NULL when the record has none)
      message       one sentence naming rule, study and subject, then what is wrong
    followed by any detail columns (source_file, source_line, ...). -#}

{#- Text of any value, 'NULL' when missing: for messages only. -#}
{% macro quality_text(expression) -%}
    coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'NULL')
{%- endmacro %}

{#- The message of a failing record: "[rule] study S, sample X: detail". `detail` is a SQL
    expression (text); `subject_type` a literal ('sample', 'patient', ...). -#}
{% macro quality_message(rule, study_id, subject_type, subject_id, detail) -%}
    '[{{ rule }}] study ' || {{ quality_text(study_id) }}
    {%- if subject_type == 'study' %}
    || ' (all samples)'
    {%- else %}
    || ', {{ subject_type }} ' || {{ quality_text(subject_id) }}
    {%- endif %}
    || ': ' || coalesce({{ detail }}, '(no detail: see the failing row)')
{%- endmacro %}

{#- "file line N" of a record's provenance, for messages. -#}
{% macro quality_provenance(source_file, source_line) -%}
    {{ quality_text(source_file) }} || ' line ' || {{ quality_text(source_line) }}
{%- endmacro %}

{#- The leading columns of a check's failing rows (see above). -#}
{% macro quality_columns(rule, study_id, subject_type, subject_id, detail) -%}
    cast('{{ rule }}' as {{ dbt.type_string() }}) as rule,
    cast({{ study_id }} as {{ dbt.type_string() }}) as study_id,
    cast('{{ subject_type }}' as {{ dbt.type_string() }}) as subject_type,
    cast({{ subject_id }} as {{ dbt.type_string() }}) as subject_id,
    {{ quality_message(rule, study_id, subject_type, subject_id, detail) }} as message
{%- endmacro %}

{#- Element `index` (1-based) of a list/array column. -#}
{% macro quality_list_element(list_expression, index_expression) -%}
    {{ return(adapter.dispatch('quality_list_element', 'her2lung')(list_expression, index_expression)) }}
{%- endmacro %}
{% macro default__quality_list_element(list_expression, index_expression) -%}
    {{ list_expression }}[{{ index_expression }}]
{%- endmacro %}
{% macro spark__quality_list_element(list_expression, index_expression) -%}
    try_element_at({{ list_expression }}, cast({{ index_expression }} as int))
{%- endmacro %}

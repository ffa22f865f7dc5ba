{#- Helpers for parsing cBioPortal tab-separated data lines against their file's header.
    Column lookup is by header name, case-insensitive, so column order never matters. -#}

{#- Data rows of a raw *_lines relation with `fields` (the split line) and `header_names`
    (the file's header, trimmed and lower-cased). -#}
{% macro cbio_data_rows(lines_relation) -%}
    select
        data_lines.study_id,
        data_lines.source_file,
        data_lines.source_line,
        data_lines.line,
        {{ split_tabs('data_lines.line') }} as fields,
        headers.header_names
    from {{ lines_relation }} as data_lines
    inner join (
        select
            source_file,
            {{ lower_trim_list(split_tabs('line')) }} as header_names
        from {{ lines_relation }}
        where line_kind = 'header'
    ) as headers
        on data_lines.source_file = headers.source_file
    where data_lines.line_kind = 'data'
{%- endmacro %}

{% macro split_tabs(expression) -%}
    {{ return(adapter.dispatch('split_tabs', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__split_tabs(expression) -%}string_split({{ expression }}, chr(9)){%- endmacro %}
{% macro spark__split_tabs(expression) -%}split({{ expression }}, '\t', -1){%- endmacro %}

{% macro lower_trim_list(expression) -%}
    {{ return(adapter.dispatch('lower_trim_list', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__lower_trim_list(expression) -%}list_transform({{ expression }}, x -> lower(trim(x))){%- endmacro %}
{% macro spark__lower_trim_list(expression) -%}transform({{ expression }}, x -> lower(trim(x))){%- endmacro %}

{#- Number of elements of a list/array. -#}
{% macro list_length(expression) -%}
    {{ return(adapter.dispatch('list_length', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__list_length(expression) -%}len({{ expression }}){%- endmacro %}
{% macro spark__list_length(expression) -%}size({{ expression }}){%- endmacro %}

{#- The raw text of a named column (NULL when the file has no such column). -#}
{% macro cbio_raw_field(column_name) -%}
    {{ return(adapter.dispatch('cbio_raw_field', 'her2lung')(column_name)) }}
{%- endmacro %}
{% macro default__cbio_raw_field(column_name) -%}
    trim(fields[list_position(header_names, '{{ column_name | lower }}')])
{%- endmacro %}
{% macro spark__cbio_raw_field(column_name) -%}
    trim(try_element_at(fields, nullif(array_position(header_names, '{{ column_name | lower }}'), 0)))
{%- endmacro %}

{#- The value of a named column with every missing-value spelling (seed
    missing_value_tokens; empty cells) turned into NULL. Takes the first present of
    several column names when given a list. -#}
{% macro cbio_field(column_names) -%}
    {%- set names = [column_names] if column_names is string else column_names -%}
    {%- if names | length == 1 -%}
        {{ missing_to_null(cbio_raw_field(names[0])) }}
    {%- else -%}
        coalesce({% for name in names %}{{ missing_to_null(cbio_raw_field(name)) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{% macro missing_to_null(expression) -%}
    case
        when {{ expression }} = '' then null
        when upper({{ expression }}) in ({{ missing_value_tokens_sql() }}) then null
        else {{ expression }}
    end
{%- endmacro %}

{#- The missing-value spellings from the seed, as a SQL list of upper-case literals. -#}
{% macro missing_value_tokens_sql() -%}
    {%- set tokens = ref('missing_value_tokens') -%}
    {%- if execute -%}
        {%- set result = run_query("select upper(token) from " ~ tokens ~ " order by 1") -%}
        {%- for token in result.columns[0].values() -%}{{ sql_string(token) }}{{ ", " if not loop.last }}{%- endfor -%}
    {%- else -%}
        'NA'
    {%- endif -%}
{%- endmacro %}

{#- Identifier rule shared by cBioPortal: letters, digits, '.', '_', '-'. -#}
{% macro is_valid_cbio_id(expression) -%}
    {{ regexp_full_match(expression, '[A-Za-z0-9._-]+') }}
{%- endmacro %}

{#- Text that is a whole number (no decimal point, no exponent). -#}
{% macro is_integer_text(expression) -%}
    {{ regexp_full_match(expression, '[+-]?[0-9]+') }}
{%- endmacro %}

{#- Safe numeric casts: NULL instead of an error. -#}
{% macro to_double(expression) -%}try_cast({{ expression }} as double){%- endmacro %}
{% macro to_bigint(expression) -%}try_cast({{ expression }} as bigint){%- endmacro %}

{#- Field-count check shared by all tabular files. -#}
{% macro field_count_problem() -%}
    case when {{ list_length('fields') }} <> {{ list_length('header_names') }}
        then 'row has ' || cast({{ list_length('fields') }} as {{ dbt.type_string() }})
            || ' fields, header has ' || cast({{ list_length('header_names') }} as {{ dbt.type_string() }})
    end
{%- endmacro %}

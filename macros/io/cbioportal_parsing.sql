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
        when upper({{ expression }}) in (select upper(token) from {{ ref('missing_value_tokens') }}) then null
        else {{ expression }}
    end
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

{#- Cells of a wide matrix file (CNA, expression, protein): one row per data line and
    non-identifier column, with the column's header name as `column_header` and the cell text
    as `value_raw`. `id_columns` are the identifier columns (lower case) left out of the cells;
    each is also returned as a column of its own. Rows whose field count differs from the
    header are returned once with `column_position` NULL, so they can be rejected whole. -#}
{% macro cbio_matrix_cells(lines_relation, id_columns) -%}
    {{ return(adapter.dispatch('cbio_matrix_cells', 'her2lung')(lines_relation, id_columns)) }}
{%- endmacro %}

{% macro default__cbio_matrix_cells(lines_relation, id_columns) -%}
    with parsed as (
        select
            data_lines.study_id,
            data_lines.source_file,
            data_lines.source_line,
            data_lines.line,
            string_split(data_lines.line, chr(9)) as fields,
            headers.header_fields,
            headers.header_names
        from {{ lines_relation }} as data_lines
        inner join (
            select
                source_file,
                list_transform(string_split(line, chr(9)), x -> trim(x)) as header_fields,
                list_transform(string_split(line, chr(9)), x -> lower(trim(x))) as header_names
            from {{ lines_relation }}
            where line_kind = 'header'
        ) as headers
            on data_lines.source_file = headers.source_file
        where data_lines.line_kind = 'data'
    ),

    identified as (
        select
            parsed.*,
            {%- for column in id_columns %}
            {{ cbio_raw_field(column) }} as {{ column | replace('.', '_') }},
            {%- endfor %}
            {{ field_count_problem() }} as field_count_problem
        from parsed
    ),

    whole_line_problems as (
        select
            study_id, source_file, source_line, line,
            {%- for column in id_columns %} {{ column | replace('.', '_') }},{%- endfor %}
            cast(null as bigint) as column_position,
            cast(null as varchar) as column_header,
            cast(null as varchar) as value_raw,
            field_count_problem
        from identified
        where field_count_problem is not null
    ),

    cells as (
        select
            study_id, source_file, source_line, line,
            {%- for column in id_columns %} {{ column | replace('.', '_') }},{%- endfor %}
            column_position,
            header_fields[column_position] as column_header,
            trim(fields[column_position]) as value_raw,
            cast(null as varchar) as field_count_problem
        from (
            select identified.*, unnest(range(1, len(header_fields) + 1)) as column_position
            from identified
            where field_count_problem is null
        ) as positions
        where header_names[column_position] not in ({% for c in id_columns %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %})
    )

    select * from whole_line_problems
    union all
    select * from cells
{%- endmacro %}

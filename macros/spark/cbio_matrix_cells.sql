{#- Spark version of cbio_matrix_cells (macros/io/cbioportal_parsing.sql; same columns, same
    rules): the cells come from one posexplode of the header instead of unnest(range(...)), and
    Spark arrays are indexed from 0. -#}
{% macro spark__cbio_matrix_cells(lines_relation, id_columns) -%}
    with parsed as (
        select
            data_lines.study_id,
            data_lines.source_file,
            data_lines.source_line,
            data_lines.line,
            {{ split_tabs('data_lines.line') }} as fields,
            headers.header_fields,
            headers.header_names
        from {{ lines_relation }} as data_lines
        inner join (
            select
                source_file,
                transform({{ split_tabs('line') }}, x -> trim(x)) as header_fields,
                {{ lower_trim_list(split_tabs('line')) }} as header_names
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
            cast(null as string) as column_header,
            cast(null as string) as value_raw,
            field_count_problem
        from identified
        where field_count_problem is not null
    ),

    cells as (
        select
            identified.study_id, identified.source_file, identified.source_line, identified.line,
            {%- for column in id_columns %} identified.{{ column | replace('.', '_') }},{%- endfor %}
            cast(header_cell.column_index + 1 as bigint) as column_position,
            header_cell.column_header,
            trim(identified.fields[header_cell.column_index]) as value_raw,
            cast(null as string) as field_count_problem
        from identified
        lateral view posexplode(identified.header_fields) header_cell as column_index, column_header
        where identified.field_count_problem is null
            and identified.header_names[header_cell.column_index] not in ({% for c in id_columns %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %})
    )

    select * from whole_line_problems
    union all
    select * from cells
{%- endmacro %}

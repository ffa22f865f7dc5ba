{#- Spark version of cbio_matrix_cells (macros/io/cbioportal_parsing.sql; same columns, same
    rules, same header look-ups): the cells come from one posexplode of the header instead of
    unnest(list_filter(range(...))), and Spark arrays are indexed from 0. With
    `samples_relation`, `is_known_sample` comes from a join of the cells to the (broadcast)
    sample list rather than DuckDB's per-header flag list; same values. -#}
{% macro spark__cbio_matrix_cells(lines_relation, id_columns, with_line=true, samples_relation=none) -%}
    {%- set id_list -%}({% for c in id_columns %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %}){%- endset -%}
    with headers as (
        select
            header_positions.source_file,
            header_positions.header_length,
            header_positions.header_names,
            {{ trim_list(split_tabs('header_lines.line')) }} as header_fields
            {%- for column in id_columns %},
            header_positions.{{ cbio_position_column(column) }}
            {%- endfor %}
        from ({{ cbio_header_positions(lines_relation) }}) as header_positions
        inner join {{ lines_relation }} as header_lines
            on header_positions.source_file = header_lines.source_file
            and header_lines.line_kind = 'header'
    ),

    parsed as (
        select
            data_lines.study_id,
            data_lines.source_file,
            data_lines.source_line,
            data_lines.line,
            {{ split_tabs('data_lines.line') }} as fields,
            headers.header_length,
            headers.header_names,
            headers.header_fields
            {%- for column in id_columns %},
            headers.{{ cbio_position_column(column) }}
            {%- endfor %}
        from {{ lines_relation }} as data_lines
        inner join headers
            on data_lines.source_file = headers.source_file
        where data_lines.line_kind = 'data'
    ),

    identified as (
        select
            study_id, source_file, source_line, line,
            fields, header_names, header_fields,
            {%- for column in id_columns %}
            {{ cbio_raw_field(column) }} as {{ column | replace('.', '_') }},
            {%- endfor %}
            {{ field_count_problem() }} as field_count_problem
        from parsed
    ),

    whole_line_problems as (
        select
            study_id, source_file, source_line,
            {%- if with_line %} line,{% endif %}
            {%- for column in id_columns %} {{ column | replace('.', '_') }},{%- endfor %}
            cast(null as bigint) as column_position,
            cast(null as string) as column_header,
            cast(null as string) as value_raw,
            {%- if samples_relation is not none %}
            cast(null as boolean) as is_known_sample,
            {%- endif %}
            field_count_problem
        from identified
        where field_count_problem is not null
    ),

    cells as (
        select
            identified.study_id, identified.source_file, identified.source_line,
            {%- if with_line %} identified.line,{% endif %}
            {%- for column in id_columns %} identified.{{ column | replace('.', '_') }},{%- endfor %}
            cast(header_cell.column_index + 1 as bigint) as column_position,
            header_cell.column_header,
            trim(identified.fields[header_cell.column_index]) as value_raw,
            cast(null as string) as field_count_problem
        from identified
        lateral view posexplode(identified.header_fields) header_cell as column_index, column_header
        where identified.field_count_problem is null
            and identified.header_names[header_cell.column_index] not in {{ id_list }}
    ){%- if samples_relation is not none %},

    known_cells as (
        select
            cells.study_id, cells.source_file, cells.source_line,
            {%- if with_line %} cells.line,{% endif %}
            {%- for column in id_columns %} cells.{{ column | replace('.', '_') }},{%- endfor %}
            cells.column_position,
            cells.column_header,
            cells.value_raw,
            known.sample_id is not null as is_known_sample,
            cells.field_count_problem
        from cells
        left join (select distinct study_id, sample_id from {{ samples_relation }}) as known
            on cells.study_id = known.study_id
            and cells.column_header = known.sample_id
    ){%- endif %}

    select * from whole_line_problems
    union all
    select * from {{ 'known_cells' if samples_relation is not none else 'cells' }}
{%- endmacro %}

{#- All lines of every present data file of one kind, with provenance and a line kind:
    'comment' (leading '#' lines), 'header' (first other non-blank line), 'data', 'blank'.
    Only the leading block of '#' lines is comment: a later line starting with '#' is data.
    `data_files` is the relation listing the files (raw_cbioportal__data_files). -#}
{% macro union_data_lines(data_files, data_kind) -%}
    {%- set files = [] -%}
    {%- if execute -%}
        {%- set result = run_query(
            "select study_id, source_file from " ~ data_files
            ~ " where data_kind = " ~ sql_string(data_kind)
            ~ " and is_present and study_id is not null order by source_file") -%}
        {%- set files = result.rows -%}
    {%- endif -%}
with file_lines as (
    {%- for file in files %}
    select
        {{ sql_string(file[0]) }} as study_id,
        {{ sql_string(file[1]) }} as source_file,
        source_line,
        line,
        overflow
    from ({{ read_data_lines(studies_dir() ~ '/' ~ file[1]) }}) as lines_{{ loop.index }}
    {{ "union all" if not loop.last }}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as study_id,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as bigint) as source_line,
        cast(null as {{ dbt.type_string() }}) as line,
        cast(null as {{ dbt.type_string() }}) as overflow
    where 1 = 0
    {%- endfor %}
),

header_lines as (
    select
        source_file,
        min(source_line) as header_line
    from file_lines
    where line is not null
        and not {{ is_blank_line('line') }}
        and not starts_with(line, '#')
    group by source_file
),

final as (
    select
        file_lines.study_id,
        file_lines.source_file,
        cast(file_lines.source_line as bigint) as source_line,
        case
            when file_lines.line is null or {{ is_blank_line('file_lines.line') }} then 'blank'
            when header_lines.header_line is null or file_lines.source_line < header_lines.header_line
                then 'comment'
            when file_lines.source_line = header_lines.header_line then 'header'
            else 'data'
        end as line_kind,
        file_lines.line,
        file_lines.overflow
    from file_lines
    left join header_lines
        on file_lines.source_file = header_lines.source_file
)

select * from final
{%- endmacro %}

{#- True when a line holds nothing but whitespace (spaces, tabs). -#}
{% macro is_blank_line(column) -%}
    ({{ regexp_full_match(column, '[ \\t]*') }})
{%- endmacro %}

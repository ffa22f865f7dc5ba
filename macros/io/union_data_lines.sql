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
    {#- an incremental model reads only new and changed files (macros/io/incremental_files.sql) -#}
    {%- if config.get('materialized') == 'incremental' -%}
        {%- set study_of = {} -%}
        {%- for file in files -%}{%- do study_of.update({file[1]: file[0]}) -%}{%- endfor -%}
        {%- set plan = her2lung_incremental_files(files | map(attribute=1) | list, study_of) -%}
        {%- set files = files | selectattr(1, 'in', plan['read']) | list -%}
    {%- endif -%}
    {%- set compression = her2lung__inspect_files(files | map(attribute=1) | list) -%}
    {%- if config.get('materialized') == 'incremental' -%}
        {%- do her2lung_record_pending_files(plan, files | map(attribute=1) | select('in', compression) | list) -%}
    {%- endif -%}
with file_lines as (
    {%- for file in files if file[1] in compression %}
    select
        {{ sql_string(file[0]) }} as study_id,
        {{ sql_string(file[1]) }} as source_file,
        source_line,
        line,
        overflow
    from ({{ read_data_lines(studies_dir() ~ '/' ~ file[1], compression[file[1]]) }}) as lines_{{ loop.index }}
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
        and substr(line, 1, 1) <> '#'
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

{#- The data files (paths relative to the studies folder) that are safe to read, each with the
    compression to read it with ('auto', or 'gzip' for gzip content under any name). A file
    DuckDB's reader would misread or reject (plugin function her2lung_inspect_file: bytes that
    are not UTF-8, bare CR line endings, the separator sentinel, a line longer than var
    max_line_bytes, zip/bzip2/xz/zstd) stops the build
    naming study folder, file and line; with var on_fatal_problem 'warn' it is left out and
    logged (the load problems then record it as a file without a header line). -#}
{% macro her2lung__inspect_files(source_files) -%}
    {{ return(adapter.dispatch('her2lung__inspect_files', 'her2lung')(source_files)) }}
{%- endmacro %}

{% macro default__her2lung__inspect_files(source_files) -%}
    {%- set out = {} -%}
    {%- for f in source_files -%}{%- do out.update({f: 'auto'}) -%}{%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{% macro duckdb__her2lung__inspect_files(source_files) -%}
    {%- set out = {} -%}
    {%- if source_files | length == 0 -%}{{ return(out) }}{%- endif -%}
    {%- set root = studies_dir() -%}
    {%- set values = [] -%}
    {%- for f in source_files -%}{%- do values.append("(" ~ sql_string(f) ~ ")") -%}{%- endfor -%}
    {%- set result = run_query("select source_file, her2lung_inspect_file(" ~ sql_string(root ~ '/')
        ~ " || source_file, " ~ var('max_line_bytes') | int ~ ") from (values " ~ values | join(", ") ~ ") as f (source_file)") -%}
    {%- set problems = [] -%}
    {%- for row in result.rows -%}
        {%- if row[1].startswith('problem: ') -%}
            {%- do problems.append("study folder '" ~ row[0].split('/')[0] ~ "', file '" ~ row[0] ~ "': "
                ~ row[1][9:] ~ "; refused, not read") -%}
        {%- else -%}
            {%- do out.update({row[0]: 'gzip' if row[1] == 'gzip' else 'auto'}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems | length > 0 -%}
        {%- if var('on_fatal_problem', 'error') == 'error' -%}
            {{ exceptions.raise_compiler_error(
                "her2lung: cannot load the studies in '" ~ root ~ "':\n  - " ~ problems | join("\n  - ")) }}
        {%- endif -%}
        {%- for message in problems -%}
            {{ log("her2lung: WARNING: " ~ message, info=True) }}
        {%- endfor -%}
    {%- endif -%}
    {{ return(out) }}
{%- endmacro %}

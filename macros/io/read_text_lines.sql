{#- Lines of small text files (meta files, case lists, gene panels), one row per line:
    file_path, source_line (1-based), line (UTF-8 BOM stripped). Lines end at LF, CRLF or a
    bare CR. Every line is kept, blank ones included, so source_line is the true line number. -#}
{% macro read_text_lines(paths) -%}
    {{ return(adapter.dispatch('read_text_lines', 'her2lung')(paths)) }}
{%- endmacro %}

{% macro duckdb__read_text_lines(paths) -%}
    {%- if paths | length == 0 -%}
    select cast(null as varchar) as file_path, cast(null as bigint) as source_line, cast(null as varchar) as line
    where false
    {%- else -%}
    select
        files.filename as file_path,
        lines.source_line,
        regexp_replace(
            case when lines.source_line = 1 then ltrim(lines.line, chr(65279)) else lines.line end,
            '\r$', ''
        ) as line
    from read_text([{% for p in paths %}{{ sql_string(p) }}{{ ", " if not loop.last }}{% endfor %}]) as files,
        lateral (
            select
                unnest(regexp_split_to_array(files.content, '\r\n|\r|\n')) as line,
                unnest(range(1, len(regexp_split_to_array(files.content, '\r\n|\r|\n')) + 1)) as source_line
        ) as lines
    {%- endif -%}
{%- endmacro %}

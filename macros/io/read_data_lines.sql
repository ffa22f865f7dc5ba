{#- Lines of one tab-separated data file, streamed: source_line (1-based), line.
    CRLF, LF and mixed CRLF/LF endings, a UTF-8 BOM and gzip are handled by the reader;
    blank lines come back as NULL so line numbers stay exact (DuckDB keeps empty lines only
    when the file is read as ONE column: with two, it drops them and every later line number
    shifts). No quoting, no escapes, no comment character: cBioPortal files are plain TSV and
    a value may contain '#'. What this reader would get wrong (bytes that are not UTF-8, bare
    CR line endings, the separator sentinel) is refused before it runs (union_data_lines,
    plugin function her2lung_inspect_file), so `overflow` is always NULL; it is kept for the
    load-problem check that reads it. `compression`: 'auto' (by file name) or 'gzip'. -#}
{% macro read_data_lines(path, compression='auto') -%}
    {{ return(adapter.dispatch('read_data_lines', 'her2lung')(path, compression)) }}
{%- endmacro %}

{% macro duckdb__read_data_lines(path, compression='auto') -%}
    select
        row_number() over () as source_line,
        line,
        cast(null as varchar) as overflow
    from read_csv(
        {{ sql_string(path) }},
        header = false,
        columns = {'line': 'VARCHAR'},
        compression = {{ sql_string(compression) }},
        delim = chr(31) || chr(30) || chr(29) || chr(28),
        quote = '',
        escape = '',
        auto_detect = false,
        strict_mode = false,
        null_padding = true,
        new_line = '\r\n',
        parallel = false,
        max_line_size = {{ var("max_line_bytes") }},
        buffer_size = {{ var("max_line_bytes") }}
    )
{%- endmacro %}

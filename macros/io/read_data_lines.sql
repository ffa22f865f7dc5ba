{#- Lines of one tab-separated data file, streamed: source_line (1-based), line.
    CRLF, LF and mixed endings, a UTF-8 BOM and gzip are handled by the reader;
    blank lines come back as NULL so line numbers stay exact. No quoting, no escapes,
    no comment character: cBioPortal files are plain TSV and a value may contain '#'.
    `overflow` is non-null only if a line contains the reader's separator sentinel. -#}
{% macro read_data_lines(path) -%}
    {{ return(adapter.dispatch('read_data_lines', 'her2lung')(path)) }}
{%- endmacro %}

{% macro duckdb__read_data_lines(path) -%}
    select
        row_number() over () as source_line,
        line,
        overflow
    from read_csv(
        {{ sql_string(path) }},
        header = false,
        columns = {'line': 'VARCHAR', 'overflow': 'VARCHAR'},
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

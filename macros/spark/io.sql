{#- Spark implementations of the file readers in macros/io. Spark reads the files itself (text
    and binaryFile sources, no jars), so paths may be local or any Hadoop file system the
    cluster can read (hdfs://, s3a://, abfss://). Line numbers are exact: see read_data_lines. -#}

{#- Files matching a glob, sorted, as the paths would be written in the glob (so that
    `path[len(root) + 1:]` gives the same relative path as on DuckDB). Spark lists the fixed
    leading folder recursively (binaryFile source, file contents never read) and the glob's
    remaining segments are matched here, one path segment per glob segment, like DuckDB's glob.
    Hidden files (names starting with '.' or '_') are not listed by Spark. -#}
{% macro spark__list_files(pattern) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set segments = pattern.split('/') -%}
    {%- set fixed = [] -%}
    {%- set globbed = [] -%}
    {%- for segment in segments -%}
        {%- if globbed or modules.re.search('[*?\[{]', segment) -%}
            {%- do globbed.append(segment) -%}
        {%- else -%}
            {%- do fixed.append(segment) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set base = fixed | join('/') -%}
    {%- if not globbed -%}{%- set globbed = [fixed[-1]] -%}{%- set base = fixed[:-1] | join('/') -%}{%- endif -%}
    {#- The qualified folder Spark will report: relative folders are resolved against the
        driver's working directory, local paths get the file: scheme. -#}
    {%- set qualified = base -%}
    {%- if ':' not in base.split('/')[0] -%}
        {%- if not base.startswith('/') -%}
            {%- set cwd = run_query("select reflect('java.lang.System', 'getProperty', 'user.dir')").columns[0].values()[0] -%}
            {%- set qualified = cwd.rstrip('/') ~ '/' ~ base -%}
        {%- endif -%}
        {%- set qualified = 'file:' ~ qualified -%}
    {%- endif -%}
    {%- set regex_parts = [] -%}
    {%- for segment in globbed -%}
        {%- set ns = namespace(out='') -%}
        {%- for ch in segment -%}
            {%- if ch == '*' -%}{%- set ns.out = ns.out ~ '[^/]*' -%}
            {%- elif ch == '?' -%}{%- set ns.out = ns.out ~ '[^/]' -%}
            {%- else -%}{%- set ns.out = ns.out ~ modules.re.escape(ch) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do regex_parts.append(ns.out) -%}
    {%- endfor -%}
    {%- set relative_regex = regex_parts | join('/') -%}
    {%- do run_query(
        "create or replace temporary view her2lung__listed_files using binaryFile options (path "
        ~ sql_string(base if base else '/') ~ ", recursiveFileLookup 'true')") -%}
    {%- set listed = run_query("select path from her2lung__listed_files") -%}
    {%- set found = [] -%}
    {%- set prefix = qualified.rstrip('/') ~ '/' -%}
    {%- for listed_path in listed.columns[0].values() -%}
        {%- set normalised = modules.re.sub('^file:///', 'file:/', listed_path) -%}
        {%- if normalised.startswith(prefix) -%}
            {%- set relative = normalised[prefix | length:] -%}
            {%- if modules.re.fullmatch(relative_regex, relative) -%}
                {%- do found.append(base ~ '/' ~ relative) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found | sort) }}
{%- endmacro %}

{#- Small text files (meta files, case lists, gene panels) read whole (binaryFile) and split at
    LF, CRLF or a bare CR, exactly like DuckDB's read_text + regexp_split_to_array: a final
    newline gives a last empty line, a UTF-8 BOM is stripped from the first line. -#}
{% macro spark__read_text_lines(paths) -%}
    {%- if paths | length == 0 -%}
    select cast(null as string) as file_path, cast(null as bigint) as source_line, cast(null as string) as line
    where false
    {%- else -%}
    select
        file_path,
        cast(line_index + 1 as bigint) as source_line,
        regexp_replace(
            case when line_index = 0 then regexp_replace(line, '^\uFEFF', '') else line end,
            '\r$', ''
        ) as line
    from (
        {%- for p in paths %}
        select {{ sql_string(p) }} as file_path, content
        from binaryFile.`{{ p }}`
        {{ "union all" if not loop.last }}
        {%- endfor %}
    ) as files
    lateral view posexplode(split(decode(files.content, 'UTF-8'), '\r\n|\r|\n', -1)) file_lines as line_index, line
    {%- endif -%}
{%- endmacro %}

{#- Lines of one data file with their exact 1-based line numbers, read in parallel: Spark's text
    source splits a large file into blocks (a gzip file is one block), each line is read in
    the block where it starts, and monotonically_increasing_id numbers the rows of a partition
    consecutively in file order. A line's number is the count of lines in the file's earlier
    blocks plus its position in its own block (a zipWithIndex in SQL). CRLF, LF and a UTF-8 BOM
    are handled by the reader; a blank line is NULL, as on DuckDB, and `overflow` holds whatever
    follows the reserved separator sequence (load_problems refuses such a file). -#}
{% macro spark__read_data_lines(path, compression='auto') -%}
    {#- `compression`: Spark picks the codec from the file name (.gz), like DuckDB's 'auto'. -#}
    {%- set sentinel = "chr(31) || chr(30) || chr(29) || chr(28)" -%}
    select
        cast(blocks.lines_before + (file_rows.row_id - blocks.first_row_id) + 1 as bigint) as source_line,
        nullif(
            case when instr(file_rows.value, {{ sentinel }}) > 0
                then substr(file_rows.value, 1, instr(file_rows.value, {{ sentinel }}) - 1)
                else file_rows.value end,
            ''
        ) as line,
        case when instr(file_rows.value, {{ sentinel }}) > 0
            then substr(file_rows.value, instr(file_rows.value, {{ sentinel }}) + 4) end as overflow
    from (
        select value, _metadata.file_block_start as block_start, monotonically_increasing_id() as row_id
        from text.`{{ path }}`
    ) as file_rows
    inner join (
        select
            block_start,
            min(row_id) as first_row_id,
            coalesce(sum(count(*)) over (order by block_start rows between unbounded preceding and 1 preceding), 0) as lines_before
        from (
            select _metadata.file_block_start as block_start, monotonically_increasing_id() as row_id
            from text.`{{ path }}`
        ) as block_rows
        group by block_start
    ) as blocks
        on file_rows.block_start = blocks.block_start
{%- endmacro %}

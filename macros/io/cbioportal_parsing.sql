{#- Helpers for parsing cBioPortal tab-separated data lines against their file's header.
    Column lookup is by header name, case-insensitive, so column order never matters. -#}

{#- Data rows of a raw *_lines relation with `fields` (the split line) and `header_names`
    (the file's header, trimmed and lower-cased), `header_length`, and the position of each
    column of cbio_indexed_columns() as `cbio_pos__<name>`: looked up once per file from its
    header, not once per row and field (cbio_raw_field uses them); and `missing_tokens`, the
    missing-value spellings (missing_to_null uses them). -#}
{% macro cbio_data_rows(lines_relation) -%}
    select
        data_lines.study_id,
        data_lines.source_file,
        data_lines.source_line,
        data_lines.line,
        {{ split_tabs('data_lines.line') }} as fields,
        headers.header_names,
        headers.header_length
        {%- for name in cbio_indexed_columns() %},
        headers.{{ cbio_position_column(name) }}
        {%- endfor %},
        missing_values.missing_tokens
    from {{ lines_relation }} as data_lines
    inner join ({{ cbio_header_positions(lines_relation) }}) as headers
        on data_lines.source_file = headers.source_file
    cross join ({{ cbio_missing_tokens() }}) as missing_values
    where data_lines.line_kind = 'data'
{%- endmacro %}

{#- One row: `missing_tokens`, the upper-case missing-value spellings of seed
    missing_value_tokens as a list. -#}
{% macro cbio_missing_tokens() -%}
    select {{ list_aggregate('upper(token)') }} as missing_tokens
    from {{ ref('missing_value_tokens') }}
{%- endmacro %}

{#- Aggregate: the values of an expression as a list/array. -#}
{% macro list_aggregate(expression) -%}
    {{ return(adapter.dispatch('list_aggregate', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__list_aggregate(expression) -%}list({{ expression }}){%- endmacro %}
{% macro spark__list_aggregate(expression) -%}collect_list({{ expression }}){%- endmacro %}

{#- One row per file of a raw *_lines relation: `header_names`, `header_length` and
    `cbio_pos__<name>` (1-based position of each cbio_indexed_columns() name, NULL if absent),
    keyed by `source_file`. -#}
{% macro cbio_header_positions(lines_relation) -%}
    select
        source_file,
        header_names,
        {{ list_length('header_names') }} as header_length
        {%- for name in cbio_indexed_columns() %},
        {{ list_index_of('header_names', "'" ~ name ~ "'") }} as {{ cbio_position_column(name) }}
        {%- endfor %}
    from (
        select source_file, {{ lower_trim_list(split_tabs('line')) }} as header_names
        from {{ lines_relation }}
        where line_kind = 'header'
    ) as header_lines
{%- endmacro %}

{#- Column names (lower case) whose positions cbio_data_rows and cbio_matrix_cells look up once
    per file. Any other name still works through cbio_raw_field, by a search of the header on
    every row (slower). -#}
{% macro cbio_indexed_columns() -%}
    {{ return([
        'tumor_sample_barcode', 'hugo_symbol', 'entrez_gene_id', 'variant_classification',
        'variant_type', 'ncbi_build', 'chromosome', 'start_position', 'end_position',
        'reference_allele', 'tumor_seq_allele1', 'tumor_seq_allele2', 'hgvsp_short',
        'protein_change', 'amino_acid_change', 'protein_position', 'mutation_status',
        't_ref_count', 't_alt_count',
        'sample_id', 'patient_id', 'cancer_type', 'cancer_type_detailed', 'oncotree_code',
        'sample_type', 'sex', 'age', 'age_at_diagnosis', 'age_at_seq_report', 'stage',
        'ajcc_pathologic_tumor_stage', 'path_stage', 'clinical_stage', 'stage_at_diagnosis',
        'tobacco_smoking_history_indicator', 'smoking_history', 'smoking_status', 'smoking',
        'smoker', 'os_status', 'os_months',
        'site1_hugo_symbol', 'site1_entrez_gene_id', 'site2_hugo_symbol', 'site2_entrez_gene_id',
        'site1_chromosome', 'site1_position', 'site2_chromosome', 'site2_position', 'sv_status',
        'class', 'event_info', 'value', 'cytoband', 'composite.element.ref'
    ]) }}
{%- endmacro %}

{% macro cbio_position_column(column_name) -%}
    cbio_pos__{{ column_name | lower | replace('.', '_') | replace(' ', '_') | replace('-', '_') }}
{%- endmacro %}

{#- 1-based position of a value in a list/array, NULL when absent. -#}
{% macro list_index_of(list_expression, value_expression) -%}
    {{ return(adapter.dispatch('list_index_of', 'her2lung')(list_expression, value_expression)) }}
{%- endmacro %}
{% macro default__list_index_of(list_expression, value_expression) -%}list_position({{ list_expression }}, {{ value_expression }}){%- endmacro %}
{% macro spark__list_index_of(list_expression, value_expression) -%}nullif(array_position({{ list_expression }}, {{ value_expression }}), 0){%- endmacro %}

{% macro split_tabs(expression) -%}
    {{ return(adapter.dispatch('split_tabs', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__split_tabs(expression) -%}string_split({{ expression }}, chr(9)){%- endmacro %}
{% macro spark__split_tabs(expression) -%}split({{ expression }}, '\t', -1){%- endmacro %}

{% macro lower_trim_list(expression) -%}
    {{ return(adapter.dispatch('lower_trim_list', 'her2lung')(expression)) }}
{%- endmacro %}
{% macro default__lower_trim_list(expression) -%}list_transform({{ expression }}, lambda x: lower(trim(x))){%- endmacro %}
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
    {%- if column_name | lower in cbio_indexed_columns() -%}
    trim(fields[{{ cbio_position_column(column_name) }}])
    {%- else -%}
    trim(fields[list_position(header_names, '{{ column_name | lower }}')])
    {%- endif -%}
{%- endmacro %}
{% macro spark__cbio_raw_field(column_name) -%}
    {#- try_element_at takes an int position; Spark's array_position returns a bigint -#}
    {%- if column_name | lower in cbio_indexed_columns() -%}
    trim(try_element_at(fields, cast({{ cbio_position_column(column_name) }} as int)))
    {%- else -%}
    trim(try_element_at(fields, cast(nullif(array_position(header_names, '{{ column_name | lower }}'), 0) as int)))
    {%- endif -%}
{%- endmacro %}

{#- The value of a named column with every missing-value spelling (seed
    missing_value_tokens; empty cells) turned into NULL. Takes the first present of
    several column names when given a list. In a select from cbio_data_rows. -#}
{% macro cbio_field(column_names) -%}
    {%- set names = [column_names] if column_names is string else column_names -%}
    {%- if names | length == 1 -%}
        {{ missing_to_null(cbio_raw_field(names[0])) }}
    {%- else -%}
        coalesce({% for name in names %}{{ missing_to_null(cbio_raw_field(name)) }}{{ ", " if not loop.last }}{% endfor %})
    {%- endif -%}
{%- endmacro %}

{#- NULL for an empty text or a missing-value spelling, else the text. Needs the column
    `missing_tokens` (cbio_data_rows, cbio_missing_tokens) in scope: a list look-up, where an
    `in (select ... from the seed)` per field made a join per field and per row (a MAF has 17
    such fields) and kept the database from pruning the fields a query does not use. -#}
{% macro missing_to_null(expression) -%}
    case
        when {{ expression }} = '' then null
        when {{ list_contains('missing_tokens', 'upper(' ~ expression ~ ')') }} then null
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

{#- Field-count check shared by all tabular files (the first reject reason of every data row).
    A line holding a NUL byte is rejected too: no valid value contains one. -#}
{% macro field_count_problem() -%}
    case when {{ list_length('fields') }} <> header_length
        then 'row has ' || cast({{ list_length('fields') }} as {{ dbt.type_string() }})
            || ' fields, header has ' || cast(header_length as {{ dbt.type_string() }})
        when {{ dbt.position('chr(0)', 'line') }} > 0 then 'line contains a NUL byte'
    end
{%- endmacro %}

{#- Cells of a wide matrix file (CNA, expression, protein): one row per data line and
    non-identifier column, with the column's header name as `column_header` and the cell text
    as `value_raw`. `id_columns` are the identifier columns (lower case) left out of the cells;
    each is also returned as a column of its own. Rows whose field count differs from the
    header are returned once with `column_position` NULL, so they can be rejected whole.
    With `with_line=false` the raw `line` is left out: a wide line can be megabytes, and
    carrying it on each of its cells multiplies that by the number of samples; callers join it
    back by (source_file, source_line) on the few rows that need it.
    With `samples_relation` (a relation or parenthesised query with study_id, sample_id) each
    cell also gets `is_known_sample`: whether its column header is a sample of that relation in
    the file's study (NULL on rows rejected whole). It is decided once per header column, not
    joined once per cell: a GENIE CNA file has ~10^4 columns and ~10^7 cells. -#}
{% macro cbio_matrix_cells(lines_relation, id_columns, with_line=true, samples_relation=none) -%}
    {{ return(adapter.dispatch('cbio_matrix_cells', 'her2lung')(lines_relation, id_columns, with_line, samples_relation)) }}
{%- endmacro %}

{% macro default__cbio_matrix_cells(lines_relation, id_columns, with_line=true, samples_relation=none) -%}
    {%- set id_list -%}({% for c in id_columns %}'{{ c }}'{{ ", " if not loop.last }}{% endfor %}){%- endset -%}
    with headers as (
        select
            source_file,
            header_length,
            list_transform({{ split_tabs('header_line') }}, lambda x: trim(x)) as header_fields,
            -- the positions of the cells: every column but the identifier columns (once per file)
            list_filter(range(1, header_length + 1), lambda i: header_names[i] not in {{ id_list }}) as cell_positions
            {%- for column in id_columns %},
            {{ cbio_position_column(column) }}
            {%- endfor %}
        from (
            select header_positions.*, header_lines.line as header_line
            from ({{ cbio_header_positions(lines_relation) }}) as header_positions
            inner join {{ lines_relation }} as header_lines
                on header_positions.source_file = header_lines.source_file
                and header_lines.line_kind = 'header'
        ) as header_rows
    ),
    {%- if samples_relation is not none %}

    -- per file, whether each header column (by position) names a sample of the file's study
    known_samples as (
        select
            header_columns.source_file,
            list(known.sample_id is not null order by header_columns.column_position) as known_sample_flags
        from (
            select
                header_lines.study_id,
                header_lines.source_file,
                unnest(list_transform({{ split_tabs('header_lines.line') }}, lambda x: trim(x))) as column_header,
                unnest(range(1, len({{ split_tabs('header_lines.line') }}) + 1)) as column_position
            from {{ lines_relation }} as header_lines
            where header_lines.line_kind = 'header'
        ) as header_columns
        left join (select distinct study_id, sample_id from {{ samples_relation }}) as known
            on header_columns.study_id = known.study_id
            and header_columns.column_header = known.sample_id
        group by header_columns.source_file
    ),
    {%- endif %}

    parsed as (
        select
            data_lines.study_id,
            data_lines.source_file,
            data_lines.source_line,
            data_lines.line,
            {{ split_tabs('data_lines.line') }} as fields,
            {%- if samples_relation is not none %}
            known_samples.known_sample_flags,
            {%- endif %}
            headers.*  exclude (source_file)
        from {{ lines_relation }} as data_lines
        inner join headers
            on data_lines.source_file = headers.source_file
        {%- if samples_relation is not none %}
        inner join known_samples
            on data_lines.source_file = known_samples.source_file
        {%- endif %}
        where data_lines.line_kind = 'data'
    ),

    identified as (
        select
            study_id, source_file, source_line,
            {%- if with_line %} line,{% endif %}
            fields, header_fields, cell_positions,
            {%- if samples_relation is not none %} known_sample_flags,{% endif %}
            {%- for column in id_columns %}
            {{ cbio_raw_field(column) }} as {{ column | replace('.', '_') }},
            {%- endfor %}
            {{ field_count_problem() }} as field_count_problem
        from parsed
    ),

    -- one scan of the lines (a second reader of `identified` would make DuckDB materialise
    -- its lists): a line rejected whole unnests to one row with column_position NULL
    cells as (
        select
            study_id, source_file, source_line,
            {%- if with_line %} line,{% endif %}
            {%- for column in id_columns %} {{ column | replace('.', '_') }},{%- endfor %}
            column_position,
            header_fields[column_position] as column_header,
            trim(fields[column_position]) as value_raw,
            {%- if samples_relation is not none %}
            known_sample_flags[column_position] as is_known_sample,
            {%- endif %}
            field_count_problem
        from (
            select
                identified.*,
                unnest(case when field_count_problem is null then cell_positions
                    else [cast(null as bigint)] end) as column_position
            from identified
        ) as positions
    )

    select * from cells
{%- endmacro %}

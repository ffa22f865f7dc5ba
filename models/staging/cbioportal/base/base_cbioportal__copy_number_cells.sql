{#- Every cell of the discrete CNA files, wide and long formats, typed, with the first reason
    to reject it (NULL = valid) and the kind of cell: 'call' (non-zero value), 'diploid' (0),
    'not_called' (NA or empty). Grain: (source_file, source_line, column_position); long-format
    rows have column_position NULL, wide rows rejected whole have sample_id NULL.
    A view, not a table: at GENIE scale most of its ~10^7 cells are diploid or NA, and only the
    calls (stg_cbioportal__copy_number_alterations) and the rejections (_rejected) are stored.
    Its readers filter it on the fly, which costs seconds on DuckDB because nothing is joined
    per cell (whether a column is a known sample is decided once per header column,
    cbio_matrix_cells; duplicate gene rows once per line): writing every cell cost minutes.
    base_cbioportal__copy_number_alterations adds the raw line. -#}
{{ config(materialized='view') }}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
),

wide_cells as (
    {{ cbio_matrix_cells(ref('raw_cbioportal__cna_discrete_lines'), ['hugo_symbol', 'entrez_gene_id', 'cytoband'],
        with_line=false,
        samples_relation='(select study_id, sample_id from ' ~ ref('base_cbioportal__samples') ~ ' where reject_reason is null)') }}
),

long_rows as (
    {{ cbio_data_rows(ref('raw_cbioportal__cna_discrete_long_lines')) }}
),

long_cells as (
    select
        study_id, source_file, source_line,
        {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id,
        cast(null as {{ dbt.type_string() }}) as cytoband,
        cast(null as bigint) as column_position,
        {{ cbio_raw_field('Sample_Id') }} as column_header,
        {{ cbio_raw_field('Value') }} as value_raw,
        {{ field_count_problem() }} as field_count_problem
    from long_rows
),

long_cells_known as (
    select
        long_cells.study_id, long_cells.source_file, long_cells.source_line,
        long_cells.hugo_symbol, long_cells.entrez_gene_id, long_cells.cytoband,
        long_cells.column_position, long_cells.column_header, long_cells.value_raw,
        clinical_samples.sample_id is not null as is_known_sample,
        long_cells.field_count_problem
    from long_cells
    left join clinical_samples
        on long_cells.study_id = clinical_samples.study_id
        and long_cells.column_header = clinical_samples.sample_id
),

-- a gene may appear once per sample: a repeated wide gene row or long (sample, gene) pair is
-- quarantined, naming the first occurrence (gene = Entrez id when given, else the symbol)
wide_gene_rows as (
    select
        source_file,
        source_line,
        row_number() over (
            partition by study_id, source_file, gene_key
            order by source_line
        ) as occurrence,
        first_value('line ' || cast(source_line as {{ dbt.type_string() }}) || ' of ' || source_file) over (
            partition by study_id, source_file, gene_key
            order by source_line
        ) as first_occurrence
    from (
        -- the key first, so that the window moves narrow rows (not the split lines)
        select
            study_id,
            source_file,
            source_line,
            {{ cna_gene_key(cbio_raw_field('Entrez_Gene_Id'), cbio_raw_field('Hugo_Symbol')) }} as gene_key
        from ({{ cbio_data_rows(ref('raw_cbioportal__cna_discrete_lines')) }}) as wide_rows
    ) as wide_gene_keys
),

long_duplicates as (
    select
        source_file,
        source_line,
        row_number() over (
            partition by study_id, column_header, {{ cna_gene_key('entrez_gene_id', 'hugo_symbol') }}
            order by source_file, source_line
        ) as occurrence,
        first_value('line ' || cast(source_line as {{ dbt.type_string() }}) || ' of ' || source_file) over (
            partition by study_id, column_header, {{ cna_gene_key('entrez_gene_id', 'hugo_symbol') }}
            order by source_file, source_line
        ) as first_occurrence
    from long_cells
),

duplicates as (
    select source_file, source_line, first_occurrence from wide_gene_rows where occurrence > 1
    union all
    select source_file, source_line, first_occurrence from long_duplicates where occurrence > 1
),

all_cells as (
    select * from wide_cells
    union all
    select * from long_cells_known
),

typed as (
    select
        all_cells.study_id,
        all_cells.column_header as sample_id,
        nullif(nullif(all_cells.hugo_symbol, ''), 'NA') as hugo_symbol,
        nullif({{ to_bigint("nullif(all_cells.entrez_gene_id, 'NA')") }}, 0) as entrez_gene_id,
        all_cells.entrez_gene_id as entrez_gene_id_raw,
        all_cells.value_raw,
        {{ to_double('all_cells.value_raw') }} as cna_value,
        all_cells.field_count_problem,
        all_cells.is_known_sample,
        duplicates.first_occurrence as duplicate_of,
        all_cells.source_file,
        all_cells.source_line,
        all_cells.column_position
    from all_cells
    left join duplicates
        on all_cells.source_file = duplicates.source_file
        and all_cells.source_line = duplicates.source_line
),

final as (
    select
        study_id,
        sample_id,
        hugo_symbol,
        entrez_gene_id,
        cna_value,
        case
            when value_raw is null or value_raw in ('', 'NA') then 'not_called'
            when cna_value = 0 then 'diploid'
            else 'call'
        end as cell_kind,
        source_file,
        source_line,
        column_position,
        case
            when field_count_problem is not null then field_count_problem
            when hugo_symbol is null and entrez_gene_id is null
                then 'empty gene (no Hugo_Symbol and no Entrez_Gene_Id)'
            when entrez_gene_id_raw is not null and entrez_gene_id_raw not in ('', 'NA', '0')
                and (not {{ is_integer_text('entrez_gene_id_raw') }} or {{ to_bigint('entrez_gene_id_raw') }} <= 0)
                then 'Entrez_Gene_Id ''' || entrez_gene_id_raw || ''' is not a positive integer'
            when sample_id is null or sample_id = '' then 'empty sample id'
            when not is_known_sample then 'sample ''' || sample_id || ''' is not in the clinical sample file'
            when duplicate_of is not null
                then 'duplicate gene for this sample (first at ' || duplicate_of || ')'
            when value_raw is not null and value_raw not in ('', 'NA')
                and (cna_value is null or cna_value not in (-2, -1.5, -1, 0, 1, 2))
                then 'CNA value ''' || value_raw || ''' is not one of -2, -1.5, -1, 0, 1, 2, NA'
        end as reject_reason
    from typed
)

select * from final

{#- Every cell of the discrete CNA files, wide and long formats, typed, with the first reason
    to reject it (NULL = valid) and the kind of cell: 'call' (non-zero value), 'diploid' (0),
    'not_called' (NA or empty). A view: only calls and rejections are stored downstream.
    Grain: (source_file, source_line, column_position); long-format rows have
    column_position NULL, wide rows rejected whole have sample_id NULL. -#}
{{ config(materialized='view') }}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with wide_cells as (
    {{ cbio_matrix_cells(ref('raw_cbioportal__cna_discrete_lines'), ['hugo_symbol', 'entrez_gene_id', 'cytoband']) }}
),

long_rows as (
    {{ cbio_data_rows(ref('raw_cbioportal__cna_discrete_long_lines')) }}
),

long_cells as (
    select
        study_id, source_file, source_line, line,
        {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id,
        cast(null as varchar) as cytoband,
        cast(null as bigint) as column_position,
        {{ cbio_raw_field('Sample_Id') }} as column_header,
        {{ cbio_raw_field('Value') }} as value_raw,
        {{ field_count_problem() }} as field_count_problem
    from long_rows
),

all_cells as (
    select * from wide_cells
    union all
    select * from long_cells
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
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
        clinical_samples.sample_id is not null as is_known_sample,
        all_cells.source_file,
        all_cells.source_line,
        all_cells.column_position,
        all_cells.line
    from all_cells
    left join clinical_samples
        on all_cells.study_id = clinical_samples.study_id
        and all_cells.column_header = clinical_samples.sample_id
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
        line,
        case
            when field_count_problem is not null then field_count_problem
            when hugo_symbol is null and entrez_gene_id is null
                then 'empty gene (no Hugo_Symbol and no Entrez_Gene_Id)'
            when entrez_gene_id_raw is not null and entrez_gene_id_raw not in ('', 'NA') and entrez_gene_id is null
                then 'Entrez_Gene_Id ''' || entrez_gene_id_raw || ''' is not a positive integer'
            when sample_id is null or sample_id = '' then 'empty sample id'
            when not is_known_sample then 'sample ''' || sample_id || ''' is not in the clinical sample file'
            when value_raw is not null and value_raw not in ('', 'NA')
                and (cna_value is null or cna_value not in (-2, -1.5, -1, 0, 1, 2))
                then 'CNA value ''' || value_raw || ''' is not one of -2, -1.5, -1, 0, 1, 2, NA'
        end as reject_reason
    from typed
)

select * from final

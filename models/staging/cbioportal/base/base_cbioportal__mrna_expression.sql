{#- Every cell of the mRNA expression z-score files, typed, with the first reason to reject it.
    A view; NA cells are not stored downstream. Grain: (source_file, source_line, column_position). -#}
{{ config(materialized='view') }}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with cells as (
    {{ cbio_matrix_cells(ref('raw_cbioportal__mrna_zscores_lines'), ['hugo_symbol', 'entrez_gene_id'], with_line=false) }}
),

data_files as (
    select source_file, stable_id from {{ ref('raw_cbioportal__data_files') }}
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
),

final as (
    select
        cells.study_id,
        cells.column_header as sample_id,
        nullif(nullif(cells.hugo_symbol, ''), 'NA') as hugo_symbol,
        nullif({{ to_bigint("nullif(cells.entrez_gene_id, 'NA')") }}, 0) as entrez_gene_id,
        data_files.stable_id as profile_id,
        {{ to_double('cells.value_raw') }} as z_score,
        cells.value_raw is null or cells.value_raw in ('', 'NA') as is_missing,
        cells.source_file,
        cells.source_line,
        cells.column_position,
        data_lines.line,
        case
            when cells.field_count_problem is not null then cells.field_count_problem
            when nullif(nullif(cells.hugo_symbol, ''), 'NA') is null
                and nullif({{ to_bigint("nullif(cells.entrez_gene_id, 'NA')") }}, 0) is null
                then 'empty gene (no Hugo_Symbol and no Entrez_Gene_Id)'
            when clinical_samples.sample_id is null
                then 'sample ''' || cells.column_header || ''' is not in the clinical sample file'
            when not (cells.value_raw is null or cells.value_raw in ('', 'NA'))
                and ({{ to_double('cells.value_raw') }} is null or isnan({{ to_double('cells.value_raw') }}) or {{ is_infinite(to_double('cells.value_raw')) }})
                then 'expression value ''' || cells.value_raw || ''' is not a finite number'
        end as reject_reason
    from cells
    left join data_files on cells.source_file = data_files.source_file
    left join clinical_samples
        on cells.study_id = clinical_samples.study_id
        and cells.column_header = clinical_samples.sample_id
    -- the raw line by line, not carried on every cell (a wide line holds every sample)
    left join {{ ref('raw_cbioportal__mrna_zscores_lines') }} as data_lines
        on cells.source_file = data_lines.source_file
        and cells.source_line = data_lines.source_line
)

select * from final

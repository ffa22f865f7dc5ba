{#- Every cell of the discrete CNA files (base_cbioportal__copy_number_cells) with its raw
    line, joined last, by line: a wide line holds every sample of a gene. A view. Grain: as
    base_cbioportal__copy_number_cells. -#}
{{ config(materialized='view') }}

with cells as (
    select * from {{ ref('base_cbioportal__copy_number_cells') }}
),

data_lines as (
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_lines') }}
    where line_kind = 'data'
    union all
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_long_lines') }}
    where line_kind = 'data'
),

with_line as (
    select
        cells.study_id,
        cells.sample_id,
        cells.hugo_symbol,
        cells.entrez_gene_id,
        cells.cna_value,
        cells.cell_kind,
        cells.source_file,
        cells.source_line,
        cells.column_position,
        data_lines.line,
        cells.reject_reason
    from cells
    left join data_lines
        on cells.source_file = data_lines.source_file
        and cells.source_line = data_lines.source_line
)

select * from with_line

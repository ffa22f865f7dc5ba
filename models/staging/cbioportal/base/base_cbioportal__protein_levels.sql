{#- Every cell of the protein level (RPPA) files, typed, with the first reason to reject it.
    Composite.Element.REF is 'GENE1 GENE2|ANTIBODY'. A view.
    Grain: (source_file, source_line, column_position). -#}
{{ config(materialized='view') }}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with cells as (
    {{ cbio_matrix_cells(ref('raw_cbioportal__protein_levels_lines'), ['composite.element.ref'], with_line=false) }}
),

data_files as (
    select source_file, stable_id, datatype from {{ ref('raw_cbioportal__data_files') }}
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
),

final as (
    select
        cells.study_id,
        cells.column_header as sample_id,
        cells.composite_element_ref as composite_element,
        {{ split_text("split_part(cells.composite_element_ref, '|', 1)", ' ') }} as gene_symbols,
        nullif(split_part(cells.composite_element_ref, '|', 2), '') as antibody,
        data_files.stable_id as profile_id,
        data_files.datatype as profile_datatype,
        {{ to_double('cells.value_raw') }} as protein_level,
        cells.value_raw is null or cells.value_raw in ('', 'NA') as is_missing,
        cells.source_file,
        cells.source_line,
        cells.column_position,
        data_lines.line,
        case
            when cells.field_count_problem is not null then cells.field_count_problem
            when cells.composite_element_ref is null or cells.composite_element_ref = ''
                then 'empty Composite.Element.REF'
            when clinical_samples.sample_id is null
                then 'sample ''' || cells.column_header || ''' is not in the clinical sample file'
            when not (cells.value_raw is null or cells.value_raw in ('', 'NA'))
                and ({{ to_double('cells.value_raw') }} is null or isnan({{ to_double('cells.value_raw') }}) or {{ is_infinite(to_double('cells.value_raw')) }})
                then 'protein level ''' || cells.value_raw || ''' is not a finite number'
        end as reject_reason
    from cells
    left join data_files on cells.source_file = data_files.source_file
    left join clinical_samples
        on cells.study_id = clinical_samples.study_id
        and cells.column_header = clinical_samples.sample_id
    -- the raw line by line, not carried on every cell (a wide line holds every sample)
    left join {{ ref('raw_cbioportal__protein_levels_lines') }} as data_lines
        on cells.source_file = data_lines.source_file
        and cells.source_line = data_lines.source_line
)

select * from final

{#- Gene panel matrix rows (sample x profile -> panel), typed, with the first reason to reject
    them. Grain: (source_file, source_line, column_position). Built by study
    (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with cells as (
    {{ cbio_matrix_cells(her2lung_in_scope(ref('raw_cbioportal__gene_panel_matrix_lines'), scope), ['sample_id'], with_line=false) }}
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null and {{ scope }}
),

typed as (
    select
        cells.study_id,
        -- in the matrix, a cell's column header is the profile, the first column the sample
        cells.sample_id as matrix_sample_id,
        cells.column_header as profile_column,
        cells.value_raw as gene_panel_id,
        cells.field_count_problem,
        cells.source_file,
        cells.source_line,
        cells.column_position
    from cells
),

final as (
    select
        typed.study_id,
        typed.matrix_sample_id as sample_id,
        typed.profile_column as profile_id,
        case
            when lower(typed.profile_column) in ('mutations', 'mutation', 'mutation_extended') or lower(typed.profile_column) like '%mutation%' then 'mutation'
            when lower(typed.profile_column) in ('cna', 'gistic') or lower(typed.profile_column) like '%cna%' or lower(typed.profile_column) like '%gistic%' then 'cna'
            when lower(typed.profile_column) like '%structural%' or lower(typed.profile_column) like '%fusion%' or lower(typed.profile_column) = 'sv' then 'structural_variant'
            else 'other'
        end as alteration_kind,
        nullif(nullif(typed.gene_panel_id, ''), 'NA') as gene_panel_id,
        typed.source_file,
        typed.source_line,
        typed.column_position,
        data_lines.line,
        case
            when typed.field_count_problem is not null then typed.field_count_problem
            when typed.matrix_sample_id is null or typed.matrix_sample_id = '' then 'empty SAMPLE_ID'
            when clinical_samples.sample_id is null
                then 'sample ''' || typed.matrix_sample_id || ''' is not in the clinical sample file'
            when count(*) over (partition by typed.study_id, typed.matrix_sample_id, typed.profile_column) > 1
                and row_number() over (partition by typed.study_id, typed.matrix_sample_id, typed.profile_column order by typed.source_line) > 1
                then 'duplicate SAMPLE_ID ''' || typed.matrix_sample_id || ''' in the gene panel matrix'
        end as reject_reason
    from typed
    left join clinical_samples
        on typed.study_id = clinical_samples.study_id
        and typed.matrix_sample_id = clinical_samples.sample_id
    -- the raw line by line, not carried through the cells
    left join {{ ref('raw_cbioportal__gene_panel_matrix_lines') }} as data_lines
        on typed.source_file = data_lines.source_file
        and typed.source_line = data_lines.source_line
)

select * from final

{#- Samples present in each discrete CNA file (wide: header columns; long: Sample_Id values).
    Used for CNA profiling when a study has no _cna case list. Grain: source_file, sample_id.
    Built by study (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with wide_headers as (
    select study_id, source_file, {{ split_tabs('line') }} as header_fields
    from {{ ref('raw_cbioportal__cna_discrete_lines') }}
    where line_kind = 'header' and {{ scope }}
),

wide_samples as (
    select study_id, source_file, {{ unnest_list(trim_list('header_fields'), 'sample_id') }}
    from wide_headers
),

long_rows as (
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__cna_discrete_long_lines'), scope)) }}
),

final as (
    select distinct study_id, source_file, sample_id
    from wide_samples
    where lower(sample_id) not in ('hugo_symbol', 'entrez_gene_id', 'cytoband')
    union
    select distinct study_id, source_file, {{ cbio_raw_field('Sample_Id') }} as sample_id
    from long_rows
)

select * from final
where sample_id is not null and sample_id <> ''

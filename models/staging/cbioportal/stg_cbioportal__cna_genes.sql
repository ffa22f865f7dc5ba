{#- Genes (rows) present in each discrete CNA file: what a CNA file can call. Grain:
    study_id, source_file, hugo_symbol/entrez_gene_id. Built by study
    (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with wide_rows as (
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__cna_discrete_lines'), scope)) }}
),

long_rows as (
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__cna_discrete_long_lines'), scope)) }}
),

genes as (
    select study_id, source_file, {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id_raw
    from wide_rows
    union all
    select study_id, source_file, {{ cbio_raw_field('Hugo_Symbol') }} as hugo_symbol,
        {{ cbio_raw_field('Entrez_Gene_Id') }} as entrez_gene_id_raw
    from long_rows
),

final as (
    select distinct
        study_id,
        source_file,
        nullif(nullif(hugo_symbol, ''), 'NA') as hugo_symbol,
        nullif({{ to_bigint("nullif(entrez_gene_id_raw, 'NA')") }}, 0) as entrez_gene_id
    from genes
)

select * from final
where hugo_symbol is not null or entrez_gene_id is not null

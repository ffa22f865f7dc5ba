{#- The alterations of marts.fct_alterations that are ERBB2 or whose symbol or Entrez id
    stands for ERBB2, with the gene each of the two names on its own (seed gene_aliases;
    ERBB2IP names ERBIN). Grain: alteration_id. Built by study (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with alterations as (
    select
        alteration_id,
        study_id,
        sample_id,
        gene,
        alteration_type,
        source_gene_symbol,
        entrez_gene_id,
        protein_change,
        source_file,
        source_line,
        {{ quality_gene_by_symbol('source_gene_symbol') }} as gene_by_symbol,
        {{ quality_gene_by_entrez('entrez_gene_id') }} as gene_by_entrez
    from {{ ref('fct_alterations') }}
    where {{ scope }}
),

final as (
    select
        alterations.*,
        {{ quality_provenance('source_file', 'source_line') }} as provenance
    from alterations
    where gene = 'ERBB2' or gene_by_symbol = 'ERBB2' or gene_by_entrez = 'ERBB2'
)

select * from final

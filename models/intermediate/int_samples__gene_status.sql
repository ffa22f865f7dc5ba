{#- Three-valued alteration status of each sample for each co-occurrence gene (seed
    genes_of_interest, role driver/cooccurrence): mutation genes use counted MAF mutations among
    mutation-profiled samples; fusion genes use fusions among SV-profiled samples. NULL = not
    profiled. Grain: study_id, sample_id, gene. Built by study (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{#- profiling depends on the gene panels the study uses, wherever they are defined -#}
{%- set scope = her2lung_study_scope(context=her2lung_gene_panel_context()) %}
with genes as (
    select hugo_symbol as gene, cooccurrence_alteration
    from {{ ref('genes_of_interest') }}
    where role in ('driver', 'cooccurrence')
),

profiling as (
    select * from {{ ref('fct_gene_profiling') }}
    where {{ scope }}
),

alterations as (
    select * from {{ ref('fct_alterations') }}
    where {{ scope }}
),

altered as (
    select distinct study_id, sample_id, gene, 'mutation' as kind
    from alterations where alteration_type = 'mutation' and counts_as_mutated
    union
    select distinct study_id, sample_id, gene, 'fusion' as kind
    from alterations where alteration_type = 'fusion'
),

final as (
    select
        profiling.study_id,
        profiling.sample_id,
        profiling.gene,
        case when profiling.is_profiled then altered.sample_id is not null end as is_altered
    from profiling
    inner join genes
        on profiling.gene = genes.gene
        and profiling.alteration_type = case genes.cooccurrence_alteration
            when 'fusion' then 'structural_variant' else 'mutation' end
    left join altered
        on profiling.study_id = altered.study_id
        and profiling.sample_id = altered.sample_id
        and profiling.gene = altered.gene
        and altered.kind = genes.cooccurrence_alteration
)

select * from final

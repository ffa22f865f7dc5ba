{#- One row per sample: driver and ERBB2 status with three-valued logic (NULL = not profiled).
    Grain: study_id, sample_id. Built by study (macros/io/incremental_studies.sql); gene panel
    definitions may come from any study: a study is built again when the panels it uses change. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope(context=her2lung_gene_panel_context()) %}
with samples as (
    select study_id, sample_id, patient_id from {{ ref('stg_cbioportal__samples') }}
    where {{ scope }}
),

-- only the genes and types read below (int_samples__gene_profiling is a view over every gene)
profiling as (
    select * from {{ ref('int_samples__gene_profiling') }}
    where gene in ('KRAS', 'EGFR', 'ALK', 'ERBB2')
        and alteration_type in ('mutation', 'copy_number', 'structural_variant')
        and {{ scope }}
),

alterations as (
    select * from {{ ref('int_alterations__classified') }}
    where {{ scope }}
),

expression as (
    select * from {{ ref('int_samples__erbb2_expression') }}
    where {{ scope }}
),

profiled as (
    select
        study_id,
        sample_id,
        max(case when gene = 'KRAS' and alteration_type = 'mutation' and is_profiled then 1 else 0 end) = 1 as is_kras_mutation_profiled,
        max(case when gene = 'EGFR' and alteration_type = 'mutation' and is_profiled then 1 else 0 end) = 1 as is_egfr_mutation_profiled,
        max(case when gene = 'ALK' and alteration_type = 'structural_variant' and is_profiled then 1 else 0 end) = 1 as is_alk_fusion_profiled,
        max(case when gene = 'ERBB2' and alteration_type = 'mutation' and is_profiled then 1 else 0 end) = 1 as is_erbb2_mutation_profiled,
        max(case when gene = 'ERBB2' and alteration_type = 'copy_number' and is_profiled then 1 else 0 end) = 1 as is_erbb2_cna_profiled
    from profiling
    group by study_id, sample_id
),

found as (
    select
        study_id,
        sample_id,
        max(case when gene = 'KRAS' and counts_as_mutated then 1 else 0 end) = 1 as kras_mutated,
        max(case when gene = 'EGFR' and counts_as_mutated then 1 else 0 end) = 1 as egfr_mutated,
        max(case when gene = 'ALK' and alteration_type = 'fusion' then 1 else 0 end) = 1 as alk_fused,
        max(case when gene = 'ERBB2' and counts_as_mutated then 1 else 0 end) = 1 as erbb2_mutated,
        max(case when gene = 'ERBB2' and alteration_type = 'amplification' then 1 else 0 end) = 1 as erbb2_amplified,
        min(case when gene = 'ERBB2' and counts_as_mutated then {{ erbb2_class_rank('erbb2_mutation_class') }} end) as erbb2_class_rank
    from alterations
    where gene in ('KRAS', 'EGFR', 'ALK', 'ERBB2')
    group by study_id, sample_id
),

flags as (
    select
        samples.study_id,
        samples.sample_id,
        samples.patient_id,
        coalesce(profiled.is_kras_mutation_profiled, false) as is_kras_mutation_profiled,
        coalesce(profiled.is_egfr_mutation_profiled, false) as is_egfr_mutation_profiled,
        coalesce(profiled.is_alk_fusion_profiled, false) as is_alk_fusion_profiled,
        coalesce(profiled.is_erbb2_mutation_profiled, false) as is_erbb2_mutation_profiled,
        coalesce(profiled.is_erbb2_cna_profiled, false) as is_erbb2_cna_profiled,
        case when profiled.is_kras_mutation_profiled then coalesce(found.kras_mutated, false) end as has_kras_mutation,
        case when profiled.is_egfr_mutation_profiled then coalesce(found.egfr_mutated, false) end as has_egfr_mutation,
        case when profiled.is_alk_fusion_profiled then coalesce(found.alk_fused, false) end as has_alk_fusion,
        case when profiled.is_erbb2_mutation_profiled then coalesce(found.erbb2_mutated, false) end as has_erbb2_mutation,
        case when profiled.is_erbb2_cna_profiled then coalesce(found.erbb2_amplified, false) end as has_erbb2_amplification,
        case when profiled.is_erbb2_mutation_profiled then found.erbb2_class_rank end as erbb2_class_rank,
        expression.expression_z as erbb2_expression_z,
        expression.expression_source as erbb2_expression_source
    from samples
    left join profiled
        on samples.study_id = profiled.study_id and samples.sample_id = profiled.sample_id
    left join found
        on samples.study_id = found.study_id and samples.sample_id = found.sample_id
    left join expression
        on samples.study_id = expression.study_id and samples.sample_id = expression.sample_id
),

final as (
    select
        study_id,
        sample_id,
        patient_id,
        has_kras_mutation,
        has_egfr_mutation,
        has_alk_fusion,
        {{ driver_cohort('has_kras_mutation', 'has_egfr_mutation', 'has_alk_fusion') }} as driver_cohort,
        is_kras_mutation_profiled,
        is_egfr_mutation_profiled,
        is_alk_fusion_profiled,
        is_erbb2_mutation_profiled,
        is_erbb2_cna_profiled,
        has_erbb2_mutation,
        has_erbb2_amplification,
        {{ any_of_alterations('has_erbb2_mutation', 'has_erbb2_amplification') }} as has_erbb2_alteration,
        case erbb2_class_rank
            when 1 then 'exon20_insertion'
            when 2 then 'tkd_missense'
            when 3 then 'ecd_s310'
            when 4 then 'tmd'
            when 5 then 'other'
        end as erbb2_mutation_class,
        erbb2_expression_z,
        erbb2_expression_source,
        case
            when erbb2_expression_z is not null then erbb2_expression_z >= {{ var('erbb2_high_expression_z') }}
        end as has_erbb2_high_expression
    from flags
)

select * from final

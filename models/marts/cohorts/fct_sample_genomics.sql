{#- One row per sample: driver cohort and ERBB2 status (three-valued: has_* NULL when the
    sample is not profiled for it), ERBB2 expression, and the sample's OncoTree flags.
    Grain: study_id, sample_id. Built by study
    (macros/io/incremental_studies.sql): a study's rows depend on its own files and on the
    gene panels it uses, wherever they are defined. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope(context=her2lung_gene_panel_context()) %}
with genomics as (
    select * from {{ ref('int_samples__genomics') }}
    where {{ scope }}
),

samples as (
    select * from {{ ref('dim_samples') }}
    where {{ scope }}
),

final as (
    select
        cast(genomics.sample_id as {{ dbt.type_string() }}) as sample_id,
        cast(genomics.patient_id as {{ dbt.type_string() }}) as patient_id,
        cast(genomics.study_id as {{ dbt.type_string() }}) as study_id,
        cast(samples.oncotree_code as {{ dbt.type_string() }}) as oncotree_code,
        cast(samples.is_nsclc as boolean) as is_nsclc,
        cast(samples.is_luad as boolean) as is_luad,
        cast(genomics.has_kras_mutation as boolean) as has_kras_mutation,
        cast(genomics.has_egfr_mutation as boolean) as has_egfr_mutation,
        cast(genomics.has_alk_fusion as boolean) as has_alk_fusion,
        cast(genomics.driver_cohort as {{ dbt.type_string() }}) as driver_cohort,
        cast(genomics.is_kras_mutation_profiled as boolean) as is_kras_mutation_profiled,
        cast(genomics.is_egfr_mutation_profiled as boolean) as is_egfr_mutation_profiled,
        cast(genomics.is_alk_fusion_profiled as boolean) as is_alk_fusion_profiled,
        cast(genomics.is_erbb2_mutation_profiled as boolean) as is_erbb2_mutation_profiled,
        cast(genomics.is_erbb2_cna_profiled as boolean) as is_erbb2_cna_profiled,
        cast(genomics.has_erbb2_mutation as boolean) as has_erbb2_mutation,
        cast(genomics.has_erbb2_amplification as boolean) as has_erbb2_amplification,
        cast(genomics.has_erbb2_alteration as boolean) as has_erbb2_alteration,
        cast(genomics.erbb2_mutation_class as {{ dbt.type_string() }}) as erbb2_mutation_class,
        cast(genomics.erbb2_expression_z as double) as erbb2_expression_z,
        cast(genomics.erbb2_expression_source as {{ dbt.type_string() }}) as erbb2_expression_source,
        cast(genomics.has_erbb2_high_expression as boolean) as has_erbb2_high_expression
    from genomics
    inner join samples
        on genomics.study_id = samples.study_id
        and genomics.sample_id = samples.sample_id
)

select * from final

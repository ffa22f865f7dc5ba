{#- One row per patient: the any-sample roll-up of fct_sample_genomics plus the dim_patients
    clinical columns. A patient is profiled when any of its samples is, altered when any
    profiled sample is (bool_or over the three-valued flags, which ignores NULLs); driver cohort
    and has_erbb2_alteration are recomputed from the rolled-up flags; the reported ERBB2 class is
    the highest-ranked of its samples; ERBB2 expression is that of its highest-expressing sample.
    is_luad / is_nsclc: any of its samples. Grain: study_id, patient_id. Built by study
    (macros/io/incremental_studies.sql): a study's rows depend on its own files and on the
    gene panels it uses, wherever they are defined. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope(context=her2lung_gene_panel_context()) %}
with samples as (
    select * from {{ ref('fct_sample_genomics') }}
    where {{ scope }}
),

patients as (
    select * from {{ ref('dim_patients') }}
    where {{ scope }}
),

rolled_up as (
    select
        study_id,
        patient_id,
        count(*) as n_samples,
        bool_or(is_luad) as is_luad,
        bool_or(is_nsclc) as is_nsclc,
        bool_or(has_kras_mutation) as has_kras_mutation,
        bool_or(has_egfr_mutation) as has_egfr_mutation,
        bool_or(has_alk_fusion) as has_alk_fusion,
        bool_or(is_erbb2_mutation_profiled) as is_erbb2_mutation_profiled,
        bool_or(is_erbb2_cna_profiled) as is_erbb2_cna_profiled,
        bool_or(has_erbb2_mutation) as has_erbb2_mutation,
        bool_or(has_erbb2_amplification) as has_erbb2_amplification,
        min({{ erbb2_class_rank('erbb2_mutation_class') }}) as erbb2_class_rank,
        max(erbb2_expression_z) as erbb2_expression_z
    from samples
    group by study_id, patient_id
),

expression_source as (
    select study_id, patient_id, max(erbb2_expression_source) as erbb2_expression_source
    from samples
    where erbb2_expression_z is not null
    group by study_id, patient_id
),

final as (
    select
        cast(patients.patient_id as {{ dbt.type_string() }}) as patient_id,
        cast(patients.study_id as {{ dbt.type_string() }}) as study_id,
        cast(coalesce(rolled_up.n_samples, 0) as bigint) as n_samples,
        cast(coalesce(rolled_up.is_luad, false) as boolean) as is_luad,
        cast(coalesce(rolled_up.is_nsclc, false) as boolean) as is_nsclc,
        cast(rolled_up.has_kras_mutation as boolean) as has_kras_mutation,
        cast(rolled_up.has_egfr_mutation as boolean) as has_egfr_mutation,
        cast(rolled_up.has_alk_fusion as boolean) as has_alk_fusion,
        cast({{ driver_cohort('rolled_up.has_kras_mutation', 'rolled_up.has_egfr_mutation', 'rolled_up.has_alk_fusion') }} as {{ dbt.type_string() }}) as driver_cohort,
        cast(coalesce(rolled_up.is_erbb2_mutation_profiled, false) as boolean) as is_erbb2_mutation_profiled,
        cast(coalesce(rolled_up.is_erbb2_cna_profiled, false) as boolean) as is_erbb2_cna_profiled,
        cast(rolled_up.has_erbb2_mutation as boolean) as has_erbb2_mutation,
        cast(rolled_up.has_erbb2_amplification as boolean) as has_erbb2_amplification,
        cast({{ any_of_alterations('rolled_up.has_erbb2_mutation', 'rolled_up.has_erbb2_amplification') }} as boolean) as has_erbb2_alteration,
        cast(case rolled_up.erbb2_class_rank
            when 1 then 'exon20_insertion'
            when 2 then 'tkd_missense'
            when 3 then 'ecd_s310'
            when 4 then 'tmd'
            when 5 then 'other'
        end as {{ dbt.type_string() }}) as erbb2_mutation_class,
        cast(rolled_up.erbb2_expression_z as double) as erbb2_expression_z,
        cast(expression_source.erbb2_expression_source as {{ dbt.type_string() }}) as erbb2_expression_source,
        cast(case when rolled_up.erbb2_expression_z is not null
            then rolled_up.erbb2_expression_z >= {{ var('erbb2_high_expression_z') }} end as boolean) as has_erbb2_high_expression,
        cast(patients.sex as {{ dbt.type_string() }}) as sex,
        cast(patients.age_at_diagnosis as double) as age_at_diagnosis,
        cast(patients.stage as {{ dbt.type_string() }}) as stage,
        cast(patients.smoking_status as {{ dbt.type_string() }}) as smoking_status,
        cast(patients.is_never_smoker as boolean) as is_never_smoker,
        cast(patients.os_months as double) as os_months,
        cast(patients.os_event as boolean) as os_event,
        cast(patients.entry_months as double) as entry_months
    from patients
    left join rolled_up
        on patients.study_id = rolled_up.study_id
        and patients.patient_id = rolled_up.patient_id
    left join expression_source
        on patients.study_id = expression_source.study_id
        and patients.patient_id = expression_source.patient_id
)

select * from final

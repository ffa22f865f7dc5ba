{#- The 2x2 tables of int_erbb2_cooccurrence__counts, one study at a time: ERBB2 alteration
    (mutation or amplification, three-valued) against each co-occurrence gene, at patient level
    over the population (var population). Patients count only when known for both (profiled
    for both). Grain: study_id, gene. Built by study (macros/io/incremental_studies.sql): a
    patient belongs to one study, and whether a gene was profiled depends on the gene panels
    the study uses, wherever they are defined. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope(context=her2lung_gene_panel_context()) %}
with patients as (
    select study_id, patient_id, has_erbb2_alteration
    from {{ ref('fct_patient_genomics') }}
    where {{ in_population() }} and {{ scope }}
),

samples as (
    select study_id, sample_id, patient_id from {{ ref('fct_sample_genomics') }}
    where {{ scope }}
),

gene_status as (
    select study_id, sample_id, gene, is_altered from {{ ref('int_samples__gene_status') }}
    where {{ scope }}
),

patient_gene_status as (
    select
        samples.study_id,
        samples.patient_id,
        gene_status.gene,
        bool_or(gene_status.is_altered) as is_gene_altered
    from gene_status
    inner join samples
        on gene_status.study_id = samples.study_id
        and gene_status.sample_id = samples.sample_id
    group by samples.study_id, samples.patient_id, gene_status.gene
),

known_for_both as (
    select
        patients.study_id,
        patient_gene_status.gene,
        patients.has_erbb2_alteration,
        patient_gene_status.is_gene_altered
    from patients
    inner join patient_gene_status
        on patients.study_id = patient_gene_status.study_id
        and patients.patient_id = patient_gene_status.patient_id
    where patients.has_erbb2_alteration is not null
        and patient_gene_status.is_gene_altered is not null
),

final as (
    select
        study_id,
        gene,
        cast(sum(case when has_erbb2_alteration and is_gene_altered then 1 else 0 end) as bigint) as n_both,
        cast(sum(case when has_erbb2_alteration and not is_gene_altered then 1 else 0 end) as bigint) as n_erbb2_only,
        cast(sum(case when not has_erbb2_alteration and is_gene_altered then 1 else 0 end) as bigint) as n_gene_only,
        cast(sum(case when not has_erbb2_alteration and not is_gene_altered then 1 else 0 end) as bigint) as n_neither
    from known_for_both
    group by study_id, gene
)

select * from final

{#- 2x2 tables of ERBB2 alteration (mutation or amplification, three-valued) against each
    co-occurrence gene, at patient level over the population (var population). Patients count
    only when known for both (profiled for both). Per study and pooled ('ALL').
    Grain: study_id, gene. -#}
with patients as (
    select study_id, patient_id, has_erbb2_alteration
    from {{ ref('fct_patient_genomics') }}
    where {{ in_population() }}
),

samples as (
    select study_id, sample_id, patient_id from {{ ref('fct_sample_genomics') }}
),

patient_gene_status as (
    select
        samples.study_id,
        samples.patient_id,
        gene_status.gene,
        bool_or(gene_status.is_altered) as is_gene_altered
    from {{ ref('int_samples__gene_status') }} as gene_status
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

scoped as (
    select study_id, gene, has_erbb2_alteration, is_gene_altered from known_for_both
    union all
    select 'ALL', gene, has_erbb2_alteration, is_gene_altered from known_for_both
),

final as (
    select
        study_id,
        gene,
        cast(sum(case when has_erbb2_alteration and is_gene_altered then 1 else 0 end) as bigint) as n_both,
        cast(sum(case when has_erbb2_alteration and not is_gene_altered then 1 else 0 end) as bigint) as n_erbb2_only,
        cast(sum(case when not has_erbb2_alteration and is_gene_altered then 1 else 0 end) as bigint) as n_gene_only,
        cast(sum(case when not has_erbb2_alteration and not is_gene_altered then 1 else 0 end) as bigint) as n_neither
    from scoped
    group by study_id, gene
)

select * from final

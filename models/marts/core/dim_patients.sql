{#- One row per patient: every patient of the clinical patient file, plus patients known only
    from the sample file (all clinical values unknown). Smoking is mapped through seed
    smoking_status_codes; unknown stays unknown (is_never_smoker NULL). os_event NULL when the
    vital status is unknown, never coerced to censored. Grain: study_id, patient_id. Built by study
    (macros/io/incremental_studies.sql): a study's rows depend on its own files only. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with patients as (
    select * from {{ ref('stg_cbioportal__patients') }}
    where {{ scope }}
),

sample_patients as (
    select distinct study_id, patient_id from {{ ref('stg_cbioportal__samples') }}
    where {{ scope }}
),

smoking_codes as (
    select upper(trim(raw_value)) as raw_value, smoking_status from {{ ref('smoking_status_codes') }}
),

all_patients as (
    select study_id, patient_id from patients
    union
    select study_id, patient_id from sample_patients
),

final as (
    select
        cast(all_patients.patient_id as {{ dbt.type_string() }}) as patient_id,
        cast(all_patients.study_id as {{ dbt.type_string() }}) as study_id,
        cast(patients.sex as {{ dbt.type_string() }}) as sex,
        cast(patients.age_at_diagnosis as double) as age_at_diagnosis,
        cast(patients.stage as {{ dbt.type_string() }}) as stage,
        cast(coalesce(smoking_codes.smoking_status, 'unknown') as {{ dbt.type_string() }}) as smoking_status,
        cast(case smoking_codes.smoking_status
            when 'never' then true
            when 'former' then false
            when 'current' then false
        end as boolean) as is_never_smoker,
        cast(patients.smoking_raw as {{ dbt.type_string() }}) as smoking_raw,
        cast(patients.os_months as double) as os_months,
        cast(patients.os_event as boolean) as os_event,
        cast(patients.entry_months as double) as entry_months,
        cast(patients.patient_id is not null as boolean) as has_clinical_row,
        cast(patients.source_file as {{ dbt.type_string() }}) as source_file,
        cast(patients.source_line as bigint) as source_line
    from all_patients
    left join patients
        on all_patients.study_id = patients.study_id
        and all_patients.patient_id = patients.patient_id
    left join smoking_codes
        on upper(trim(patients.smoking_raw)) = smoking_codes.raw_value
)

select * from final

{#- The survival inputs of marts.dim_patients with the OS_STATUS text they came from and
    whether seed os_status_codes knows it, for the survival checks in _quality__models.yml.
    Grain: study_id, patient_id. -#}
with patients as (
    select * from {{ ref('dim_patients') }}
),

clinical as (
    select study_id, patient_id, os_status from {{ ref('stg_cbioportal__patients') }}
),

status_codes as (
    select os_status from {{ ref('os_status_codes') }}
),

final as (
    select
        patients.study_id,
        patients.patient_id,
        patients.has_clinical_row,
        clinical.os_status,
        clinical.os_status is not null
            and clinical.os_status in (select os_status from status_codes) as is_os_status_known,
        patients.os_months,
        patients.os_event,
        patients.source_file,
        patients.source_line,
        case
            when patients.source_file is null then 'no clinical patient row'
            else {{ quality_provenance('patients.source_file', 'patients.source_line') }}
        end as provenance
    from patients
    left join clinical
        on patients.study_id = clinical.study_id
        and patients.patient_id = clinical.patient_id
)

select * from final

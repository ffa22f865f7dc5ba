{#- Every data row of the clinical patient files, typed, with the first reason to reject it
    (NULL = valid). Grain: one row per raw data line (source_file, source_line). Built by study
    (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
-- depends_on: {{ ref('raw_cbioportal__load_problems') }}

with parsed as (
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__clinical_patient_lines'), scope)) }}
),

os_status_codes as (
    select * from {{ ref('os_status_codes') }}
),

typed as (
    select
        study_id,
        source_file,
        source_line,
        line,
        {{ field_count_problem() }} as field_count_problem,
        {{ cbio_field('PATIENT_ID') }} as patient_id,
        {{ cbio_field('SEX') }} as sex_raw,
        {{ cbio_field(['AGE', 'AGE_AT_DIAGNOSIS', 'AGE_AT_SEQ_REPORT']) }} as age_raw,
        {{ cbio_field(['STAGE', 'AJCC_PATHOLOGIC_TUMOR_STAGE', 'PATH_STAGE', 'CLINICAL_STAGE', 'STAGE_AT_DIAGNOSIS']) }} as stage,
        {{ cbio_field(['TOBACCO_SMOKING_HISTORY_INDICATOR', 'SMOKING_HISTORY', 'SMOKING_STATUS', 'SMOKING', 'SMOKER']) }} as smoking_raw,
        {{ cbio_field('OS_STATUS') }} as os_status,
        {{ cbio_field('OS_MONTHS') }} as os_months_raw
        {%- if var('entry_time_column') %},
        {{ cbio_field(var('entry_time_column')) }} as entry_months_raw
        {%- else %},
        cast(null as {{ dbt.type_string() }}) as entry_months_raw
        {%- endif %}
    from parsed
),

checked as (
    select
        typed.*,
        {{ to_double('age_raw') }} as age_at_diagnosis,
        {{ to_double('os_months_raw') }} as os_months,
        os_status_codes.os_event,
        {{ to_double('entry_months_raw') }} as entry_months,
        row_number() over (
            partition by typed.study_id, typed.patient_id order by typed.source_file, typed.source_line
        ) as occurrence,
        first_value('line ' || cast(typed.source_line as {{ dbt.type_string() }}) || ' of ' || typed.source_file) over (
            partition by typed.study_id, typed.patient_id order by typed.source_file, typed.source_line
        ) as first_line
    from typed
    left join os_status_codes
        on typed.os_status = os_status_codes.os_status
),

final as (
    select
        study_id,
        patient_id,
        case
            when upper(sex_raw) in ('MALE', 'M') then 'Male'
            when upper(sex_raw) in ('FEMALE', 'F') then 'Female'
            else sex_raw
        end as sex,
        age_at_diagnosis,
        stage,
        smoking_raw,
        os_status,
        os_months,
        os_event,
        entry_months,
        source_file,
        source_line,
        line,
        case
            when field_count_problem is not null then field_count_problem
            when patient_id is null then 'empty PATIENT_ID'
            when not {{ is_valid_cbio_id('patient_id') }}
                then 'PATIENT_ID ''' || patient_id || ''' has characters other than letters, digits, . _ -'
            when occurrence > 1
                then 'duplicate PATIENT_ID ''' || patient_id || ''' (first at ' || first_line || ')'
            when os_months_raw is not null and os_months is null
                then 'OS_MONTHS ''' || os_months_raw || ''' is not a number'
            when os_months < 0 then 'OS_MONTHS ' || os_months_raw || ' is negative'
            when os_status is not null and os_event is null
                then 'unknown OS_STATUS ''' || os_status || ''''
            when age_raw is not null and age_at_diagnosis is null
                then 'AGE ''' || age_raw || ''' is not a number'
            when entry_months_raw is not null and entry_months is null
                then 'entry time ''' || entry_months_raw || ''' is not a number'
            when entry_months < 0 then 'entry time is negative'
        end as reject_reason
    from checked
)

select * from final

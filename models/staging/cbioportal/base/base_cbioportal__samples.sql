{#- Every data row of the clinical sample files, typed, with the first reason to reject it
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
    {{ cbio_data_rows(her2lung_in_scope(ref('raw_cbioportal__clinical_sample_lines'), scope)) }}
),

typed as (
    select
        study_id,
        source_file,
        source_line,
        line,
        {{ field_count_problem() }} as field_count_problem,
        {{ cbio_field('SAMPLE_ID') }} as sample_id,
        {{ cbio_field('PATIENT_ID') }} as patient_id,
        {{ cbio_field('CANCER_TYPE') }} as cancer_type,
        {{ cbio_field('CANCER_TYPE_DETAILED') }} as cancer_type_detailed,
        upper({{ cbio_field('ONCOTREE_CODE') }}) as oncotree_code,
        {{ cbio_field('SAMPLE_TYPE') }} as sample_type
    from parsed
),

checked as (
    select
        typed.*,
        row_number() over (partition by study_id, sample_id order by source_file, source_line) as occurrence,
        first_value('line ' || cast(source_line as {{ dbt.type_string() }}) || ' of ' || source_file) over (
            partition by study_id, sample_id order by source_file, source_line
        ) as first_line
    from typed
),

final as (
    select
        study_id,
        sample_id,
        patient_id,
        cancer_type,
        cancer_type_detailed,
        oncotree_code,
        sample_type,
        source_file,
        source_line,
        line,
        case
            when field_count_problem is not null then field_count_problem
            when sample_id is null then 'empty SAMPLE_ID'
            when patient_id is null then 'sample without patient (empty PATIENT_ID)'
            when not {{ is_valid_cbio_id('sample_id') }}
                then 'SAMPLE_ID ''' || sample_id || ''' has characters other than letters, digits, . _ -'
            when not {{ is_valid_cbio_id('patient_id') }}
                then 'PATIENT_ID ''' || patient_id || ''' has characters other than letters, digits, . _ -'
            when occurrence > 1
                then 'duplicate SAMPLE_ID ''' || sample_id || ''' (first at ' || first_line || ')'
        end as reject_reason
    from checked
)

select * from final

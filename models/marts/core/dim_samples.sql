{#- One row per sample with its OncoTree classification (seed oncotree_codes, versioned).
    Without an ONCOTREE_CODE, CANCER_TYPE_DETAILED 'Lung Adenocarcinoma' counts as LUAD and
    CANCER_TYPE 'Non-Small Cell Lung Cancer' as NSCLC. Grain: study_id, sample_id. Built by study
    (macros/io/incremental_studies.sql): a study's rows depend on its own files only. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    on_schema_change='fail',
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with samples as (
    select * from {{ ref('stg_cbioportal__samples') }}
    where {{ scope }}
),

oncotree as (
    select * from {{ ref('oncotree_codes') }}
),

final as (
    select
        cast(samples.sample_id as {{ dbt.type_string() }}) as sample_id,
        cast(samples.patient_id as {{ dbt.type_string() }}) as patient_id,
        cast(samples.study_id as {{ dbt.type_string() }}) as study_id,
        cast(samples.cancer_type as {{ dbt.type_string() }}) as cancer_type,
        cast(samples.cancer_type_detailed as {{ dbt.type_string() }}) as cancer_type_detailed,
        cast(samples.oncotree_code as {{ dbt.type_string() }}) as oncotree_code,
        cast(samples.sample_type as {{ dbt.type_string() }}) as sample_type,
        cast(coalesce(
            oncotree.is_nsclc,
            case
                when samples.oncotree_code is null and lower(samples.cancer_type_detailed) = 'lung adenocarcinoma' then true
                when samples.oncotree_code is null and lower(samples.cancer_type) = 'non-small cell lung cancer' then true
            end,
            false
        ) as boolean) as is_nsclc,
        cast(coalesce(
            oncotree.is_luad,
            case when samples.oncotree_code is null and lower(samples.cancer_type_detailed) = 'lung adenocarcinoma' then true end,
            false
        ) as boolean) as is_luad,
        cast(oncotree.oncotree_version as {{ dbt.type_string() }}) as oncotree_version,
        cast(samples.source_file as {{ dbt.type_string() }}) as source_file,
        cast(samples.source_line as bigint) as source_line
    from samples
    left join oncotree
        on samples.oncotree_code = oncotree.oncotree_code
)

select * from final

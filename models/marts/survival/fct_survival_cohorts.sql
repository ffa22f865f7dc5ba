{#- One row per comparison and patient in one of its groups (grain: comparison, study_id,
    patient_id): the survival inputs of every comparison listed in the survival_comparisons seed,
    for the analysis population (var population). Each seed row's group_expression is evaluated
    over fct_patient_genomics; patients for whom it returns NULL (not profiled for what the
    comparison needs, or outside the comparison) are left out. Patients with unknown vital
    status or survival time stay here with has_known_os = false so the mart shows who was left
    out; the analysis models exclude them (never censored). The seed is read at execution time,
    so adding a row adds a comparison without touching this model. -#}
{%- set comparisons = [] -%}
{%- if execute -%}
    {%- set seed_rows = run_query(
        "select comparison, group_expression from " ~ ref('survival_comparisons') ~ " order by comparison"
    ) -%}
    {%- for row in seed_rows.rows -%}
        {%- do comparisons.append({'name': row[0], 'expression': row[1]}) -%}
    {%- endfor -%}
{%- endif %}
-- depends_on: {{ ref('survival_comparisons') }}

with patients as (
    select * from {{ ref('fct_patient_genomics') }}
    where {{ in_population() }}
),

grouped as (
    {%- for comparison in comparisons %}
    select
        {{ sql_string(comparison.name) }} as comparison,
        cast(({{ comparison.expression }}) as {{ dbt.type_string() }}) as group_label,
        patient_id,
        study_id,
        os_months,
        os_event,
        entry_months,
        age_at_diagnosis,
        sex,
        stage,
        smoking_status
    from patients
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    {#- No comparisons listed: an empty table with the contracted columns. #}
    select
        cast(null as {{ dbt.type_string() }}) as comparison,
        cast(null as {{ dbt.type_string() }}) as group_label,
        patient_id,
        study_id,
        os_months,
        os_event,
        entry_months,
        age_at_diagnosis,
        sex,
        stage,
        smoking_status
    from patients
    where 1 = 0
    {%- endfor %}
),

final as (
    select
        cast(grouped.comparison as {{ dbt.type_string() }}) as comparison,
        cast(grouped.group_label as {{ dbt.type_string() }}) as group_label,
        cast(grouped.patient_id as {{ dbt.type_string() }}) as patient_id,
        cast(grouped.study_id as {{ dbt.type_string() }}) as study_id,
        cast(grouped.os_months as double) as os_months,
        cast(grouped.os_event as boolean) as os_event,
        cast(grouped.os_event is not null and grouped.os_months is not null as boolean) as has_known_os,
        cast(grouped.entry_months as double) as entry_months,
        cast(grouped.age_at_diagnosis as double) as age_at_diagnosis,
        cast(grouped.sex as {{ dbt.type_string() }}) as sex,
        cast(grouped.stage as {{ dbt.type_string() }}) as stage,
        cast(grouped.smoking_status as {{ dbt.type_string() }}) as smoking_status
    from grouped
    where grouped.group_label is not null
)

select * from final

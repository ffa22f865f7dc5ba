{#- Bookkeeping of the models built incrementally by study (macros/io/incremental_studies.sql):
    for each such model, the studies whose rows it holds and the version they were built from
    (the study's raw_cbioportal__study_versions version with the code version and settings of
    that build). Rows are written by those models while they build (pending, then built by their
    post-hook); this model only creates the table, so a full refresh empties it and every such
    model is then rebuilt in full. is_verified: every data test of the model passed on the
    study's rows as built (set by on-run-end, her2lung_mark_studies_verified); later builds test
    only the other studies' rows (her2lung_test_study_scope). Grain: model_name, study_id. -#}
{{ config(materialized='incremental', on_schema_change='append_new_columns') }}

select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as study_id,
    cast(null as {{ dbt.type_string() }}) as build_version,
    cast(null as boolean) as is_built,
    cast(null as boolean) as is_verified
where 1 = 0

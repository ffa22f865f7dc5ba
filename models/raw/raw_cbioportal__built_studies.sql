{#- Bookkeeping of the models built incrementally by study (macros/io/incremental_studies.sql):
    for each such model, the studies whose rows it holds and the version they were built from
    (the study's raw_cbioportal__study_versions version with the code version and settings of
    that build). Rows are written by those models while they build (pending, then built by their
    post-hook); this model only creates the table, so a full refresh empties it and every such
    model is then rebuilt in full. Grain: model_name, study_id. -#}
{{ config(materialized='incremental') }}

select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as study_id,
    cast(null as {{ dbt.type_string() }}) as build_version,
    cast(null as boolean) as is_built
where 1 = 0

{#- Bookkeeping of incremental landing (macros/io/incremental_files.sql): for each raw *_lines
    model, the files whose rows it holds and the fingerprint (size:SHA-256 of the content) of
    the version it read. Rows are written by the raw models themselves while they build (pending,
    then loaded by their post-hook); this model only creates the table, so a full refresh
    empties it and every raw model then reads all files again. Grain: model_name, source_file. -#}
{{ config(materialized='incremental') }}

select
    cast(null as {{ dbt.type_string() }}) as model_name,
    cast(null as {{ dbt.type_string() }}) as source_file,
    cast(null as {{ dbt.type_string() }}) as fingerprint,
    cast(null as boolean) as is_loaded
where 1 = 0

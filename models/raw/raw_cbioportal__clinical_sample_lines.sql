{#- Every line of the clinical sample files. Incremental by file: unchanged files are not read again
    (macros/io/incremental_files.sql). -#}
{{ config(materialized='incremental', post_hook="{{ her2lung_mark_files_loaded() }}") }}
{{ union_data_lines(ref('raw_cbioportal__data_files'), 'clinical_sample') }}

-- depends_on: {{ ref('raw_cbioportal__data_files') }}
-- depends_on: {{ ref('raw_cbioportal__loaded_files') }}

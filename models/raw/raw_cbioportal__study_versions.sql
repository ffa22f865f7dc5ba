{#- The version of each study's files, for the models built incrementally by study
    (macros/io/incremental_studies.sql): a hash of the fingerprint (size, content hash,
    study id) of every file the raw models hold from the study's folder(s), as recorded in
    raw_cbioportal__loaded_files. A study whose version is unchanged keeps its staged rows.
    Only DuckDB lands files incrementally; elsewhere this is empty and every model is rebuilt in
    full. A view: always the state of the raw tables, even after a selective run that rebuilt
    some raw models but not this. Grain: study_id. -#}
{{ config(materialized='view') }}

with study_folders as (
    select distinct
        study_folder,
        meta_value as study_id
    from {{ ref('raw_cbioportal__meta_lines') }}
    where source_file = study_folder || '/meta_study.txt'
        and meta_key = 'cancer_study_identifier'
        and meta_value is not null
        and meta_value <> ''
),

loaded_files as (
    select
        model_name,
        source_file,
        fingerprint,
        split_part(source_file, '/', 1) as study_folder
    from {{ ref('raw_cbioportal__loaded_files') }}
    where is_loaded
),

final as (
    select
        study_folders.study_id,
        count(*) as n_loaded_files,
        md5({{ sorted_text_agg("loaded_files.model_name || '|' || loaded_files.source_file || '|' || loaded_files.fingerprint", ';') }}) as study_version
    from study_folders
    inner join loaded_files
        on study_folders.study_folder = loaded_files.study_folder
    group by study_folders.study_id
)

select * from final

-- every raw *_lines model records its files before this runs
-- depends_on: {{ ref('raw_cbioportal__case_list_lines') }}
-- depends_on: {{ ref('raw_cbioportal__clinical_patient_lines') }}
-- depends_on: {{ ref('raw_cbioportal__clinical_sample_lines') }}
-- depends_on: {{ ref('raw_cbioportal__cna_discrete_lines') }}
-- depends_on: {{ ref('raw_cbioportal__cna_discrete_long_lines') }}
-- depends_on: {{ ref('raw_cbioportal__gene_panel_lines') }}
-- depends_on: {{ ref('raw_cbioportal__gene_panel_matrix_lines') }}
-- depends_on: {{ ref('raw_cbioportal__mrna_zscores_lines') }}
-- depends_on: {{ ref('raw_cbioportal__mutations_lines') }}
-- depends_on: {{ ref('raw_cbioportal__protein_levels_lines') }}
-- depends_on: {{ ref('raw_cbioportal__structural_variants_lines') }}

{#- One row per data file a study declares (through a meta file's data_filename), plus
    gene panel files (which have no meta file). Grain: source_file. -#}
{%- set root = studies_dir() -%}
{%- set existing = [] -%}
{%- for path in list_files(root ~ '/*/*') -%}
    {%- do existing.append(path[(root | length) + 1:]) -%}
{%- endfor -%}

with meta_lines as (
    select * from {{ ref('raw_cbioportal__meta_lines') }}
),

data_types as (
    select * from {{ ref('cbioportal_data_types') }}
),

existing_files as (
    {{ values_table(existing, 'source_file') }}
),

meta_files as (
    select
        study_folder,
        source_file as meta_file,
        max(case when meta_key = 'cancer_study_identifier' then meta_value end) as cancer_study_identifier,
        max(case when meta_key = 'genetic_alteration_type' then upper(meta_value) end) as genetic_alteration_type,
        max(case when meta_key = 'datatype' then upper(meta_value) end) as datatype,
        max(case when meta_key = 'stable_id' then meta_value end) as stable_id,
        max(case when meta_key = 'data_filename' then meta_value end) as data_filename
    from meta_lines
    group by study_folder, source_file
),

studies as (
    select
        study_folder,
        cancer_study_identifier as study_id
    from meta_files
    where meta_file = study_folder || '/meta_study.txt'
),

declared_files as (
    select
        studies.study_id,
        meta_files.study_folder,
        meta_files.meta_file,
        meta_files.genetic_alteration_type,
        meta_files.datatype,
        meta_files.stable_id,
        meta_files.data_filename,
        data_types.data_kind,
        meta_files.study_folder || '/' || meta_files.data_filename as source_file
    from meta_files
    left join studies
        on meta_files.study_folder = studies.study_folder
    left join data_types
        on meta_files.genetic_alteration_type = data_types.genetic_alteration_type
        and meta_files.datatype = data_types.datatype
    where meta_files.meta_file <> meta_files.study_folder || '/meta_study.txt'
),

gene_panel_files as (
    select
        studies.study_id,
        studies.study_folder,
        cast(null as {{ dbt.type_string() }}) as meta_file,
        'GENE_PANEL' as genetic_alteration_type,
        'GENE_PANEL' as datatype,
        cast(null as {{ dbt.type_string() }}) as stable_id,
        substr(existing_files.source_file, length(studies.study_folder) + 2) as data_filename,
        'gene_panel' as data_kind,
        existing_files.source_file
    from existing_files
    inner join studies
        on existing_files.source_file like studies.study_folder || '/%'
    where lower(existing_files.source_file) like '%gene_panel%'
        and existing_files.source_file not in (select source_file from declared_files where source_file is not null)
        and lower(existing_files.source_file) not like '%/meta_%'
),

final as (
    select
        all_files.*,
        existing_files.source_file is not null as is_present
    from (
        select * from declared_files
        union all
        select * from gene_panel_files
    ) as all_files
    left join existing_files
        on all_files.source_file = existing_files.source_file
)

select * from final

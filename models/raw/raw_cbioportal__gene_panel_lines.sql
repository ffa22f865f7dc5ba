{#- Every line of every gene panel file (stable_id:, description:, gene_list: ...). -#}
{#- Incremental by file: unchanged files are not read again (macros/io/incremental_files.sql). -#}
{{ config(materialized='incremental', post_hook="{{ her2lung_mark_files_loaded() }}") }}
{%- set root = studies_dir() -%}
{%- set paths = [] -%}
{%- if execute -%}
    {%- set result = run_query("select source_file from " ~ ref('raw_cbioportal__data_files')
        ~ " where data_kind = 'gene_panel' and is_present order by source_file") -%}
    {%- for row in result.rows -%}{%- do paths.append(root ~ '/' ~ row[0]) -%}{%- endfor -%}
{%- endif -%}

with file_lines as (
    {{ read_text_lines(her2lung_incremental_paths(paths)) }}
),

final as (
    select
        split_part(substr(file_path, {{ root | length + 2 }}), '/', 1) as study_folder,
        substr(file_path, {{ root | length + 2 }}) as source_file,
        cast(source_line as bigint) as source_line,
        line,
        case when position(':' in line) > 0
            then trim(substr(line, 1, position(':' in line) - 1)) end as meta_key,
        case when position(':' in line) > 0
            then trim(substr(line, position(':' in line) + 1)) end as meta_value
    from file_lines
)

select * from final

-- depends_on: {{ ref('raw_cbioportal__data_files') }}

-- depends_on: {{ ref('raw_cbioportal__loaded_files') }}

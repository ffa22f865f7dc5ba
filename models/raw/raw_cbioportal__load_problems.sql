{#- Problems found while landing the study folders, one row per problem. Rows with
    severity 'fatal' stop the build (post-hook) with a message naming study folder, file
    and column; 'warning' rows are kept for the summary. Grain: one row per problem. -#}
{%- set line_kinds = ['clinical_patient', 'clinical_sample', 'mutations', 'cna_discrete',
    'cna_discrete_long', 'structural_variants', 'mrna_zscores', 'protein_levels',
    'gene_panel_matrix'] -%}
{{ config(post_hook="{{ raise_fatal_problems(this) }}") }}

with meta_lines as (
    select * from {{ ref('raw_cbioportal__meta_lines') }}
),

data_files as (
    select * from {{ ref('raw_cbioportal__data_files') }}
),

required_columns as (
    select * from {{ ref('cbioportal_required_columns') }}
),

file_lines as (
    {%- for kind in line_kinds %}
    select
        '{{ kind }}' as data_kind,
        source_file,
        line_kind,
        line,
        overflow
    from {{ ref('raw_cbioportal__' ~ kind ~ '_lines') }}
    where line_kind in ('header', 'comment') or overflow is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

study_folders as (
    select
        study_folder,
        max(case when source_file = study_folder || '/meta_study.txt' then 1 else 0 end) as has_meta_study,
        max(case when source_file = study_folder || '/meta_study.txt'
            and meta_key = 'cancer_study_identifier' then meta_value end) as study_id
    from meta_lines
    group by study_folder
),

missing_meta_study as (
    select study_folder, study_folder || '/meta_study.txt' as source_file,
        cast(null as {{ dbt.type_string() }}) as column_name,
        'meta_study.txt is missing: a study folder needs it to name the study' as problem
    from study_folders
    where has_meta_study = 0
),

missing_study_id as (
    select study_folder, study_folder || '/meta_study.txt' as source_file,
        'cancer_study_identifier' as column_name,
        'meta_study.txt has no cancer_study_identifier' as problem
    from study_folders
    where has_meta_study = 1 and (study_id is null or study_id = '')
),

duplicate_study_id as (
    select study_folder, study_folder || '/meta_study.txt' as source_file,
        'cancer_study_identifier' as column_name,
        'study id ''' || study_id || ''' is used by more than one study folder' as problem
    from study_folders
    where study_id in (
        select study_id from study_folders where study_id is not null
        group by study_id having count(*) > 1
    )
),

missing_clinical_sample as (
    select study_folder, study_folder || '/meta_study.txt' as source_file,
        cast(null as {{ dbt.type_string() }}) as column_name,
        'no clinical sample file (meta file with genetic_alteration_type CLINICAL, datatype SAMPLE_ATTRIBUTES)' as problem
    from study_folders
    where has_meta_study = 1
        and study_folder not in (
            select study_folder from data_files where data_kind = 'clinical_sample'
        )
),

missing_data_filename as (
    select study_folder, meta_file as source_file, 'data_filename' as column_name,
        'meta file declares ' || data_kind || ' data but no data_filename' as problem
    from data_files
    where data_kind is not null and (data_filename is null or data_filename = '')
),

unsafe_data_filename as (
    select study_folder, meta_file as source_file, 'data_filename' as column_name,
        'data_filename ''' || data_filename || ''' points outside the study folder; refused' as problem
    from data_files
    where data_kind is not null
        and (data_filename like '%/%' or position(chr(92) in data_filename) > 0 or data_filename in ('.', '..'))
),

absent_data_file as (
    select study_folder, meta_file as source_file, 'data_filename' as column_name,
        'data file ''' || data_filename || ''' named in this meta file does not exist' as problem
    from data_files
    where data_kind is not null and data_filename is not null and data_filename <> ''
        and not is_present
        and not (data_filename like '%/%' or position(chr(92) in data_filename) > 0 or data_filename in ('.', '..'))
),

header_fields as (
    select
        data_kind,
        source_file,
        {{ split_tabs('line') }} as fields
    from file_lines
    where line_kind = 'header'
),

header_columns as (
    select
        data_kind,
        source_file,
        {{ unnest_with_position(trim_list('fields'), 'column_name', 'column_position') }}
    from header_fields
),

files_with_header as (
    select data_files.study_folder, data_files.source_file, data_files.data_kind
    from data_files
    where data_files.data_kind in ({% for k in line_kinds %}'{{ k }}'{{ ", " if not loop.last }}{% endfor %})
        and data_files.is_present
),

no_header as (
    select files_with_header.study_folder, files_with_header.source_file,
        cast(null as {{ dbt.type_string() }}) as column_name,
        'file has no header line (empty, or only # lines)' as problem
    from files_with_header
    where files_with_header.source_file not in (select source_file from header_fields)
),

missing_required_column as (
    select files_with_header.study_folder, files_with_header.source_file,
        required_columns.required_column as column_name,
        'required column ' || replace(required_columns.required_column, '|', ' or ') || ' is missing from the header' as problem
    from files_with_header
    inner join required_columns
        on files_with_header.data_kind = required_columns.data_kind
    where files_with_header.source_file in (select source_file from header_fields)
        and not exists (
            select 1 from header_columns
            where header_columns.source_file = files_with_header.source_file
                and {{ delimited_list_contains('lower(required_columns.required_column)', '|', 'lower(header_columns.column_name)') }}
        )
),

duplicate_column as (
    select files_with_header.study_folder, header_columns.source_file, header_columns.column_name,
        'column name appears ' || cast(count(*) as {{ dbt.type_string() }}) || ' times in the header' as problem
    from header_columns
    inner join files_with_header on header_columns.source_file = files_with_header.source_file
    where header_columns.column_name <> ''
    group by files_with_header.study_folder, header_columns.source_file, header_columns.column_name
    having count(*) > 1
),

blank_column as (
    select files_with_header.study_folder, header_columns.source_file,
        'column ' || cast(header_columns.column_position as {{ dbt.type_string() }}) as column_name,
        'header has an empty column name' as problem
    from header_columns
    inner join files_with_header on header_columns.source_file = files_with_header.source_file
    where header_columns.column_name = ''
        and files_with_header.data_kind <> 'mutations'
),

clinical_without_attribute_header as (
    select files_with_header.study_folder, files_with_header.source_file,
        cast(null as {{ dbt.type_string() }}) as column_name,
        'clinical file lacks the four leading # lines (display name, description, datatype, priority)' as problem
    from files_with_header
    where files_with_header.data_kind in ('clinical_patient', 'clinical_sample')
        and files_with_header.source_file in (select source_file from header_fields)
        and (
            select count(*) from file_lines
            where file_lines.source_file = files_with_header.source_file and file_lines.line_kind = 'comment'
        ) < 4
),

clinical_lowercase_attribute as (
    select files_with_header.study_folder, header_columns.source_file, header_columns.column_name,
        'clinical attribute names must be upper case' as problem
    from header_columns
    inner join files_with_header on header_columns.source_file = files_with_header.source_file
    where files_with_header.data_kind in ('clinical_patient', 'clinical_sample')
        and header_columns.column_name <> upper(header_columns.column_name)
),

separator_sentinel as (
    select data_files.study_folder, file_lines.source_file, cast(null as {{ dbt.type_string() }}) as column_name,
        'a line contains the reader''s reserved control sequence (bytes 1F 1E 1D 1C)' as problem
    from file_lines
    inner join data_files on file_lines.source_file = data_files.source_file
    where file_lines.overflow is not null
),

fatal as (
    select * from missing_meta_study
    union all select * from missing_study_id
    union all select * from duplicate_study_id
    union all select * from missing_clinical_sample
    union all select * from missing_data_filename
    union all select * from unsafe_data_filename
    union all select * from absent_data_file
    union all select * from no_header
    union all select * from missing_required_column
    union all select * from duplicate_column
    union all select * from blank_column
    union all select * from clinical_without_attribute_header
    union all select * from clinical_lowercase_attribute
    union all select * from separator_sentinel
),

not_read as (
    select study_folder, meta_file as source_file, cast(null as {{ dbt.type_string() }}) as column_name,
        'not read by her2lung: ' || coalesce(genetic_alteration_type, '?') || ' / ' || coalesce(datatype, '?') as problem
    from data_files
    where data_kind is null
),

final as (
    select distinct 'fatal' as severity, study_folder, source_file, column_name, problem from fatal
    union all
    select 'info' as severity, study_folder, source_file, column_name, problem from not_read
)

select * from final

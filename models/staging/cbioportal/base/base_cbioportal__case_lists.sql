{#- Samples named by each case list (case_lists/*.txt, case_list_ids: tab-separated).
    Grain: (source_file, source_line, list_position). A view: a case_list_ids line names every
    sample of the list (megabytes at GENIE scale), so the raw line is joined back last, on the
    rows that select it (the quarantine), never stored once per sample. -#}
{{ config(materialized='view') }}
with case_list_lines as (
    select * from {{ ref('raw_cbioportal__case_list_lines') }}
),

studies as (
    select study_folder, study_id from {{ ref('raw_cbioportal__data_files') }}
    where study_id is not null
    group by study_folder, study_id
),

clinical_samples as (
    select study_id, sample_id from {{ ref('base_cbioportal__samples') }}
    where reject_reason is null
),

list_fields as (
    select
        source_file,
        min(study_folder) as study_folder,
        max(case when meta_key = 'stable_id' then meta_value end) as case_list_id,
        max(case when meta_key = 'case_list_category' then meta_value end) as case_list_category,
        max(case when meta_key = 'case_list_name' then meta_value end) as case_list_name
    from case_list_lines
    group by source_file
),

-- a case list id defined by two files: the first file (by name) is used, the other quarantined
list_owners as (
    select
        study_folder,
        case_list_id,
        min(source_file) as owner_file
    from list_fields
    where case_list_id is not null
    group by study_folder, case_list_id
),

-- the study joined to the lines before their ids are spread, and the window below partitioned
-- by study too (the source file determines it): a filter on study_id (the models built by
-- study) then reaches the lines, and only that study's lists are spread (3.8 s -> 0.2 s for one
-- GENIE study)
ids as (
    select
        studies.study_id,
        case_list_lines.study_folder,
        case_list_lines.source_file,
        case_list_lines.source_line,
        {{ unnest_with_position(trim_list(split_tabs('case_list_lines.meta_value')), 'sample_id', 'list_position') }}
    from case_list_lines
    left join studies on case_list_lines.study_folder = studies.study_folder
    where case_list_lines.meta_key = 'case_list_ids'
),

final as (
    select
        ids.study_id,
        list_fields.case_list_id,
        -- the list's role: the stable id suffix (<study>_sequenced, _cna, _all, ...)
        case
            when list_fields.case_list_id like '%!_sequenced' escape '!' then 'sequenced'
            when list_fields.case_list_id like '%!_cnaseq' escape '!' then 'cnaseq'
            when list_fields.case_list_id like '%!_cna' escape '!' then 'cna'
            when list_fields.case_list_id like '%!_sv' escape '!' or list_fields.case_list_id like '%!_structural!_variants' escape '!' then 'structural_variants'
            when list_fields.case_list_id like '%!_all' escape '!' then 'all'
            when list_fields.case_list_id like '%!_rppa' escape '!' then 'rppa'
            when list_fields.case_list_id like '%mrna%' then 'mrna'
            else 'other'
        end as case_list_role,
        list_fields.case_list_category,
        ids.sample_id,
        ids.source_file,
        ids.source_line,
        ids.list_position,
        case
            when list_fields.case_list_id is null then 'case list has no stable_id'
            when list_owners.owner_file <> ids.source_file
                then 'case list ''' || list_fields.case_list_id || ''' is also defined by ' || list_owners.owner_file
            when ids.sample_id = '' then 'empty sample id in case_list_ids'
            when clinical_samples.sample_id is null
                then 'sample ''' || ids.sample_id || ''' is not in the clinical sample file'
            when row_number() over (partition by ids.study_id, ids.source_file, ids.sample_id order by ids.list_position) > 1
                then 'sample ''' || ids.sample_id || ''' listed twice'
        end as reject_reason
    from ids
    left join list_fields on ids.source_file = list_fields.source_file
    left join list_owners
        on list_fields.study_folder = list_owners.study_folder
        and list_fields.case_list_id = list_owners.case_list_id
    left join clinical_samples
        on ids.study_id = clinical_samples.study_id
        and ids.sample_id = clinical_samples.sample_id
),

with_line as (
    select
        final.study_id,
        final.case_list_id,
        final.case_list_role,
        final.case_list_category,
        final.sample_id,
        final.source_file,
        final.source_line,
        final.list_position,
        case_list_lines.line,
        final.reject_reason
    from final
    left join case_list_lines
        on final.source_file = case_list_lines.source_file
        and final.source_line = case_list_lines.source_line
)

select * from with_line

{#- Quarantined protein level cells, with the raw line. Built by study (macros/io/incremental_studies.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
select study_id, sample_id, composite_element, profile_id, reject_reason, line as raw_line, source_file, source_line, column_position
from {{ ref('base_cbioportal__protein_levels') }}
where reject_reason is not null and {{ her2lung_study_scope() }}

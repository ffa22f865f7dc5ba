select study_id, sample_id, composite_element, profile_id, reject_reason, line as raw_line, source_file, source_line, column_position
from {{ ref('base_cbioportal__protein_levels') }}
where reject_reason is not null

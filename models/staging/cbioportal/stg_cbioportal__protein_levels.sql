{#- Protein levels (RPPA), long: one row per sample x antibody with a value. -#}
select study_id, sample_id, composite_element, gene_symbols, antibody, profile_id, profile_datatype, protein_level, source_file, source_line, column_position
from {{ ref('base_cbioportal__protein_levels') }}
where reject_reason is null and not is_missing

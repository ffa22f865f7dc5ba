{#- mRNA expression z-scores, long: one row per sample x gene with a value. -#}
select study_id, sample_id, hugo_symbol, entrez_gene_id, profile_id, z_score, source_file, source_line, column_position
from {{ ref('base_cbioportal__mrna_expression') }}
where reject_reason is null and not is_missing

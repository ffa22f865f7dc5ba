{#- mRNA expression z-scores, long: one row per sample x gene with a value. Built by study
    (macros/io/incremental_studies.sql): a study's cells depend on its own files only. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
select study_id, sample_id, hugo_symbol, entrez_gene_id, profile_id, z_score, source_file, source_line, column_position
from {{ ref('base_cbioportal__mrna_expression') }}
where reject_reason is null and not is_missing
    and {{ her2lung_study_scope() }}

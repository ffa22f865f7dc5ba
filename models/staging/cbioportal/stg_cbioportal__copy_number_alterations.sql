{#- Discrete copy-number calls, long: one row per sample x gene with a non-zero call.
    Diploid (0) and not-called (NA) cells are not stored; which samples and genes were
    profiled comes from the file header, gene rows, case lists and panels. Built by study. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
select
    study_id,
    sample_id,
    hugo_symbol,
    entrez_gene_id,
    cna_value,
    source_file,
    source_line,
    column_position
from {{ ref('base_cbioportal__copy_number_cells') }}
where reject_reason is null
    and cell_kind = 'call'
    and {{ her2lung_study_scope() }}

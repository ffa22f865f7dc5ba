select
    study_id,
    sample_id,
    hugo_symbol,
    entrez_gene_id,
    cna_value,
    reject_reason,
    line as raw_line,
    source_file,
    source_line,
    column_position
from {{ ref('base_cbioportal__copy_number_alterations') }}
where reject_reason is not null

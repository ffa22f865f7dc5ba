{#- Quarantined CNA cells (or whole lines), with the raw line joined back by line. -#}
with rejected as (
    select * from {{ ref('base_cbioportal__copy_number_cells') }}
    where reject_reason is not null
),

data_lines as (
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_lines') }}
    where line_kind = 'data'
    union all
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_long_lines') }}
    where line_kind = 'data'
)

select
    rejected.study_id,
    rejected.sample_id,
    rejected.hugo_symbol,
    rejected.entrez_gene_id,
    rejected.cna_value,
    rejected.reject_reason,
    data_lines.line as raw_line,
    rejected.source_file,
    rejected.source_line,
    rejected.column_position
from rejected
left join data_lines
    on rejected.source_file = data_lines.source_file
    and rejected.source_line = data_lines.source_line

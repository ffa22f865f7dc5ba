{#- Quarantined CNA cells (or whole lines), with the raw line joined back by line. Built by study. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with rejected as (
    select * from {{ ref('base_cbioportal__copy_number_cells') }}
    where reject_reason is not null and {{ scope }}
),

data_lines as (
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_lines') }}
    where line_kind = 'data' and {{ scope }}
    union all
    select source_file, source_line, line from {{ ref('raw_cbioportal__cna_discrete_long_lines') }}
    where line_kind = 'data' and {{ scope }}
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

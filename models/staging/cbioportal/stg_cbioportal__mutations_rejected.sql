{#- Quarantined MAF rows (rejected_rows), with the raw line joined back by line from the raw
    table (base_cbioportal__mutations does not repeat it). Built by study. -#}
{{ config(
    materialized='incremental',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'append'),
    post_hook="{{ her2lung_mark_studies_built() }}"
) }}
{%- set scope = her2lung_study_scope() %}
with rejected as (
    select * from {{ ref('base_cbioportal__mutations') }}
    where reject_reason is not null and {{ scope }}
),

data_lines as (
    select source_file, source_line, line from {{ ref('raw_cbioportal__mutations_lines') }}
    where line_kind = 'data' and {{ scope }}
)

select
    {{ star_except(ref('base_cbioportal__mutations'), ['reject_reason', 'source_file', 'source_line']) }},
    rejected.reject_reason,
    data_lines.line as raw_line,
    rejected.source_file,
    rejected.source_line
from rejected
left join data_lines
    on rejected.source_file = data_lines.source_file
    and rejected.source_line = data_lines.source_line

{#- base_cbioportal__copy_number_alterations stored once, without the raw line: every CNA cell
    with its kind and reject reason. The wide unpivot is the expensive step of the CNA files (one
    row per sample x gene), so it runs here once and the staged table, the quarantine and the
    cell-accounting tests all read this table. Grain: as the view. -#}
select {{ star_except(ref('base_cbioportal__copy_number_alterations'), ['line']) }}
from {{ ref('base_cbioportal__copy_number_alterations') }}

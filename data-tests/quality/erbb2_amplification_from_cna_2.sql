{{ config(severity='error', tags=['quality']) }}
{#- Every ERBB2 amplification in marts.fct_alterations comes from a discrete CNA value of 2:
    its provenance (source_file, source_line, source_column) points at exactly one raw
    discrete CNA cell (wide matrix: the sample's column; long format: Sample_Id and Value)
    that reads 2, on a line whose gene resolves to ERBB2 (quality.qa_erbb2_provenance).
    One failing row per amplification that does not. -#}
select
    {{ quality_columns(
        'erbb2_amplification_from_cna_2', 'study_id', 'sample', 'sample_id',
        "'ERBB2 amplification ' || trace_problem || ' (' || provenance || ')'"
    ) }},
    alteration_id,
    cna_value,
    raw_value,
    source_file,
    source_line,
    source_column
from {{ ref('qa_erbb2_provenance') }}
where alteration_type = 'amplification' and trace_problem is not null

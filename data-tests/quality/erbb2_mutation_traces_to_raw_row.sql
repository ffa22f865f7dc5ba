{{ config(severity='error', tags=['quality']) }}
{#- Every ERBB2 mutation in marts.fct_alterations traces back by its provenance (study,
    source_file, source_line) to exactly one raw MAF data line, for the same sample, whose
    Hugo_Symbol / Entrez_Gene_Id resolve to ERBB2 (Entrez 2064, the symbol or an alias; seed
    gene_aliases). The tracing is done in quality.qa_erbb2_provenance. One failing row per
    fact that does not trace cleanly. -#}
select
    {{ quality_columns(
        'erbb2_mutation_traces_to_raw_row', 'study_id', 'sample', 'sample_id',
        "'ERBB2 mutation ' || coalesce(protein_change, variant_classification, '') || ' '
            || trace_problem || ' (' || provenance || ')'"
    ) }},
    alteration_id,
    source_file,
    source_line
from {{ ref('qa_erbb2_provenance') }}
where alteration_type = 'mutation' and trace_problem is not null

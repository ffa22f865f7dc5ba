{{ config(severity='error', tags=['quality']) }}
{#- An ERBB2 call never rests on a symbol that names another gene: for every alteration that
    is ERBB2, or whose symbol or Entrez id stands for ERBB2 (quality.qa_erbb2_gene_identity),
    the gene the symbol names and the gene the Entrez id names agree whenever both are known.
    With Entrez winning, a row such as ERBB2IP (ERBIN) / 2064 would otherwise be counted as
    ERBB2 silently. One failing row per disagreeing alteration. -#}
select
    {{ quality_columns(
        'erbb2_symbol_entrez_agree', 'study_id', 'sample', 'sample_id',
        "'Hugo_Symbol ''' || source_gene_symbol || ''' names ' || gene_by_symbol
            || ' but Entrez_Gene_Id ' || " ~ quality_text('entrez_gene_id') ~ " || ' names ' || gene_by_entrez
            || '; the ' || alteration_type || ' ' || coalesce(protein_change, '') || ' is counted as ' || gene
            || ' (' || provenance || ')'"
    ) }},
    alteration_id,
    source_gene_symbol,
    entrez_gene_id,
    gene,
    source_file,
    source_line
from {{ ref('qa_erbb2_gene_identity') }}
where gene_by_symbol is not null
    and gene_by_entrez is not null
    and gene_by_symbol <> gene_by_entrez

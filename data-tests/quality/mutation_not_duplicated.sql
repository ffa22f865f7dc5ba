{{ config(severity='error', tags=['quality']) }}
{#- No duplicate mutation: no two mutation rows of a sample in marts.fct_alterations share
    chromosome, start position and alleles, whatever their gene symbol or class
    (quality.qa_mutation_positions lists such variants). Exact duplicate MAF rows are
    quarantined in staging and named by quarantined_rows_named. One failing row per
    duplicated variant. -#}
select
    {{ quality_columns(
        'mutation_not_duplicated', 'study_id', 'sample', 'sample_id',
        quality_text('n_rows') ~ " || ' mutation rows (' || first_gene
            || case when last_gene <> first_gene then ', ' || last_gene else '' end
            || ') share ' || " ~ quality_text('chromosome') ~ " || ':' || " ~ quality_text('start_position')
            ~ " || ' ' || " ~ quality_text('reference_allele') ~ " || '>' || " ~ quality_text('tumor_seq_allele2')
            ~ " || ' (' || source_file || ' lines ' || " ~ quality_text('first_line') ~ " || ' and ' || "
            ~ quality_text('last_line') ~ " || ')'"
    ) }},
    n_rows,
    chromosome,
    start_position,
    reference_allele,
    tumor_seq_allele2
from {{ ref('qa_mutation_positions') }}

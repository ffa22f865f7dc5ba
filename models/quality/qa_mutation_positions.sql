{#- Variants called more than once for a sample in marts.fct_alterations: mutation rows
    sharing study, sample, chromosome, start position and alleles (whatever their gene symbol
    or class). Staging quarantines exact duplicate MAF rows; this catches the rest, e.g. the
    same variant under ERBB2 and HER2. Grain: study_id, sample_id, chromosome, start_position,
    reference_allele, tumor_seq_allele2. -#}
with mutations as (
    select * from {{ ref('fct_alterations') }}
    where alteration_type = 'mutation' and start_position is not null
),

final as (
    select
        study_id,
        sample_id,
        chromosome,
        start_position,
        reference_allele,
        tumor_seq_allele2,
        count(*) as n_rows,
        min(gene) as first_gene,
        max(gene) as last_gene,
        min(source_file) as source_file,
        min(source_line) as first_line,
        max(source_line) as last_line
    from mutations
    group by study_id, sample_id, chromosome, start_position, reference_allele, tumor_seq_allele2
    having count(*) > 1
)

select * from final

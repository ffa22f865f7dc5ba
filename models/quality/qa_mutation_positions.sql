{#- Variants called more than once for a sample in marts.fct_alterations: mutation rows
    sharing study, sample, chromosome, start position and alleles (whatever their gene symbol
    or class). Staging quarantines exact duplicate MAF rows; this catches the rest, e.g. the
    same variant under ERBB2 and HER2. Grain: study_id, sample_id, chromosome, start_position,
    reference_allele, tumor_seq_allele2. -#}
{%- set position_key = ['study_id', 'sample_id', 'chromosome', 'start_position', 'reference_allele', 'tumor_seq_allele2'] %}
-- the exact grouping runs only on the rows whose key shares a hash with another row's
with repeated_keys as (
    select {{ row_hash(position_key) }} as key_hash
    from {{ ref('fct_alterations') }}
    where alteration_type = 'mutation' and start_position is not null
    group by 1
    having count(*) > 1
),

mutations as (
    select * from {{ ref('fct_alterations') }}
    where alteration_type = 'mutation' and start_position is not null
        and {{ row_hash(position_key) }} in (select key_hash from repeated_keys)
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

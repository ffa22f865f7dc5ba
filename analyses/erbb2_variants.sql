-- Every ERBB2 mutation with its protein change, class and the file and line it came from.
select
    a.study_id,
    a.sample_id,
    s.patient_id,
    a.variant_classification,
    a.protein_change,
    a.protein_position,
    a.erbb2_mutation_class,
    a.is_nonsynonymous,
    a.is_oncogenic,
    a.chromosome,
    a.start_position,
    a.reference_allele,
    a.tumor_seq_allele2,
    a.source_gene_symbol,
    a.source_file,
    a.source_line
from marts.fct_alterations as a
inner join marts.dim_samples as s
    on a.study_id = s.study_id and a.sample_id = s.sample_id
where a.gene = 'ERBB2'
    and a.alteration_type = 'mutation'
order by a.study_id, a.sample_id, a.start_position;

-- ERBB2 alteration vs other genes (patient level): counts, log2 OR, Fisher p, BH q, pooled CMH p.
select
    study_id,
    gene,
    n_both,
    n_erbb2_only,
    n_gene_only,
    n_neither,
    round(log2_odds_ratio, 3) as log2_odds_ratio,
    p_value,
    q_value,
    tendency,
    cmh_p_value
from marts.erbb2_cooccurrence
order by study_id = 'ALL', study_id, q_value nulls last, gene;

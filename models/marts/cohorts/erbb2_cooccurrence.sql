{#- ERBB2 alteration vs each co-occurrence gene at patient level: 2x2 counts among patients
    profiled for both, Haldane-corrected log2 odds ratio, two-sided Fisher exact p, BH q within
    study, tendency; for the pooled rows (study_id 'ALL') a Cochran-Mantel-Haenszel test
    stratified by study. Grain: study_id, gene. -#}
select
    cast(study_id as {{ dbt.type_string() }}) as study_id,
    cast(gene as {{ dbt.type_string() }}) as gene,
    cast(n_both as bigint) as n_both,
    cast(n_erbb2_only as bigint) as n_erbb2_only,
    cast(n_gene_only as bigint) as n_gene_only,
    cast(n_neither as bigint) as n_neither,
    cast(log2_odds_ratio as double) as log2_odds_ratio,
    cast(p_value as double) as p_value,
    cast(q_value as double) as q_value,
    cast(tendency as {{ dbt.type_string() }}) as tendency,
    cast(cmh_p_value as double) as cmh_p_value,
    cast(case when {{ is_infinite('cmh_log2_odds_ratio') }} then null else cmh_log2_odds_ratio end as double) as cmh_log2_odds_ratio,
    cast('{{ var("population") }}' as {{ dbt.type_string() }}) as population
from {{ ref('int_erbb2_cooccurrence__statistics') }}
order by study_id, gene

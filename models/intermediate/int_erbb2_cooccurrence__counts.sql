{#- 2x2 tables of ERBB2 alteration (mutation or amplification, three-valued) against each
    co-occurrence gene, at patient level over the population (var population). Patients count
    only when known for both (profiled for both). Per study (int_erbb2_cooccurrence__study_counts)
    and pooled ('ALL': the sum over the studies, as a patient belongs to one study).
    Grain: study_id, gene. -#}
with study_counts as (
    select study_id, gene, n_both, n_erbb2_only, n_gene_only, n_neither
    from {{ ref('int_erbb2_cooccurrence__study_counts') }}
),

pooled as (
    select
        'ALL' as study_id,
        gene,
        cast(sum(n_both) as bigint) as n_both,
        cast(sum(n_erbb2_only) as bigint) as n_erbb2_only,
        cast(sum(n_gene_only) as bigint) as n_gene_only,
        cast(sum(n_neither) as bigint) as n_neither
    from study_counts
    group by gene
),

final as (
    select study_id, gene, n_both, n_erbb2_only, n_gene_only, n_neither from study_counts
    union all
    select study_id, gene, n_both, n_erbb2_only, n_gene_only, n_neither from pooled
)

select * from final

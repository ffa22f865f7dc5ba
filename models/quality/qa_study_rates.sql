{#- Per study: the share of ERBB2-profiled samples with an ERBB2 alteration and the share of
    KRAS- or EGFR-mutant samples (among samples profiled for both) that carry both, next to
    the plausibility limits of seed erbb2_quality_thresholds. Sample-level, from
    marts.fct_sample_genomics (three-valued flags: NULL = not profiled). Grain: study_id. -#}
with samples as (
    select * from {{ ref('fct_sample_genomics') }}
),

thresholds as (
    select
        max(case when check_name = 'erbb2_alteration_rate_plausible' and parameter = 'min_pct' then value end) as erbb2_min_pct,
        max(case when check_name = 'erbb2_alteration_rate_plausible' and parameter = 'max_pct' then value end) as erbb2_max_pct,
        max(case when check_name = 'kras_egfr_comutation_plausible' and parameter = 'max_pct' then value end) as comutation_max_pct,
        max(case when check_name = 'kras_egfr_comutation_plausible' and parameter = 'min_driver_positive' then value end) as comutation_min_driver_positive
    from {{ ref('erbb2_quality_thresholds') }}
),

counts as (
    select
        study_id,
        count(*) as n_samples,
        sum(case when has_erbb2_alteration is not null then 1 else 0 end) as n_erbb2_profiled,
        sum(case when has_erbb2_alteration then 1 else 0 end) as n_erbb2_altered,
        sum(case when has_kras_mutation is not null and has_egfr_mutation is not null then 1 else 0 end) as n_kras_egfr_profiled,
        sum(case when has_kras_mutation is not null and has_egfr_mutation is not null
            and (has_kras_mutation or has_egfr_mutation) then 1 else 0 end) as n_kras_or_egfr,
        sum(case when has_kras_mutation and has_egfr_mutation then 1 else 0 end) as n_kras_and_egfr
    from samples
    group by study_id
),

final as (
    select
        counts.study_id,
        counts.n_samples,
        counts.n_erbb2_profiled,
        counts.n_erbb2_altered,
        case when counts.n_erbb2_profiled > 0
            then round(100.0 * counts.n_erbb2_altered / counts.n_erbb2_profiled, 2) end as erbb2_altered_pct,
        thresholds.erbb2_min_pct,
        thresholds.erbb2_max_pct,
        counts.n_kras_egfr_profiled,
        counts.n_kras_or_egfr,
        counts.n_kras_and_egfr,
        case when counts.n_kras_or_egfr > 0
            then round(100.0 * counts.n_kras_and_egfr / counts.n_kras_or_egfr, 2) end as kras_egfr_comutated_pct,
        thresholds.comutation_max_pct,
        thresholds.comutation_min_driver_positive
    from counts
    cross join thresholds
)

select * from final

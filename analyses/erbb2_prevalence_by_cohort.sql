-- ERBB2 prevalence by driver cohort, pooled over studies, patient level, with exact 95% CIs.
select
    driver_cohort,
    alteration,
    n_profiled,
    n_altered,
    round(pct, 2) as pct,
    round(ci_low, 2) as ci_low,
    round(ci_high, 2) as ci_high
from marts.erbb2_prevalence
where unit = 'patient'
    and study_id = 'ALL'
order by
    case driver_cohort when 'ALL' then 0 when 'KRAS' then 1 when 'EGFR' then 2
        when 'ALK' then 3 when 'multiple' then 4 else 5 end,
    alteration;

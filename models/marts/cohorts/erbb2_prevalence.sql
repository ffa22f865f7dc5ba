{#- ERBB2 prevalence with exact Clopper-Pearson 95% intervals (percent, 0-100), per unit,
    study ('ALL' pooled), driver cohort ('ALL' = every cohort) and alteration.
    Grain: unit, study_id, driver_cohort, alteration. -#}
select
    cast(unit as {{ dbt.type_string() }}) as unit,
    cast(study_id as {{ dbt.type_string() }}) as study_id,
    cast(driver_cohort as {{ dbt.type_string() }}) as driver_cohort,
    cast(alteration as {{ dbt.type_string() }}) as alteration,
    cast(n_profiled as bigint) as n_profiled,
    cast(n_altered as bigint) as n_altered,
    cast(pct as double) as pct,
    cast(ci_low as double) as ci_low,
    cast(ci_high as double) as ci_high,
    cast('{{ var("population") }}' as {{ dbt.type_string() }}) as population
from {{ ref('int_erbb2_prevalence__statistics') }}
order by unit, study_id, driver_cohort, alteration

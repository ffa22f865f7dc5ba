{#- Denominators and numerators for ERBB2 prevalence, per unit ('patient','sample'), study
    (and 'ALL' pooled), driver cohort (and 'ALL') and alteration. Only units profiled for what
    the alteration needs are counted; mutation_or_amplification and mutation_and_amplification
    need both. Units whose driver cohort is unknown (NULL) count in driver_cohort 'ALL' only.
    Population: var population. Grain: unit, study_id, driver_cohort, alteration. -#}
with units as (
    select
        'patient' as unit, study_id, driver_cohort,
        is_erbb2_mutation_profiled, is_erbb2_cna_profiled, has_erbb2_mutation, has_erbb2_amplification
    from {{ ref('fct_patient_genomics') }}
    where {{ in_population() }}
    union all
    select
        'sample' as unit, study_id, driver_cohort,
        is_erbb2_mutation_profiled, is_erbb2_cna_profiled, has_erbb2_mutation, has_erbb2_amplification
    from {{ ref('fct_sample_genomics') }}
    where {{ in_population() }}
),

scoped as (
    select unit, study_id, driver_cohort, is_erbb2_mutation_profiled, is_erbb2_cna_profiled,
        has_erbb2_mutation, has_erbb2_amplification
    from units where driver_cohort is not null
    union all
    select unit, study_id, 'ALL', is_erbb2_mutation_profiled, is_erbb2_cna_profiled,
        has_erbb2_mutation, has_erbb2_amplification
    from units
    union all
    select unit, 'ALL', driver_cohort, is_erbb2_mutation_profiled, is_erbb2_cna_profiled,
        has_erbb2_mutation, has_erbb2_amplification
    from units where driver_cohort is not null
    union all
    select unit, 'ALL', 'ALL', is_erbb2_mutation_profiled, is_erbb2_cna_profiled,
        has_erbb2_mutation, has_erbb2_amplification
    from units
),

alterations as (
    select 'mutation' as alteration
    union all select 'amplification'
    union all select 'mutation_or_amplification'
    union all select 'mutation_and_amplification'
),

evaluated as (
    select
        scoped.unit,
        scoped.study_id,
        scoped.driver_cohort,
        alterations.alteration,
        case alterations.alteration
            when 'mutation' then scoped.is_erbb2_mutation_profiled
            when 'amplification' then scoped.is_erbb2_cna_profiled
            else scoped.is_erbb2_mutation_profiled and scoped.is_erbb2_cna_profiled
        end as is_profiled,
        case alterations.alteration
            when 'mutation' then scoped.has_erbb2_mutation
            when 'amplification' then scoped.has_erbb2_amplification
            when 'mutation_or_amplification' then scoped.has_erbb2_mutation or scoped.has_erbb2_amplification
            else scoped.has_erbb2_mutation and scoped.has_erbb2_amplification
        end as is_altered
    from scoped
    cross join alterations
),

final as (
    select
        unit,
        study_id,
        driver_cohort,
        alteration,
        cast(sum(case when is_profiled then 1 else 0 end) as bigint) as n_profiled,
        cast(sum(case when is_profiled and is_altered then 1 else 0 end) as bigint) as n_altered
    from evaluated
    group by unit, study_id, driver_cohort, alteration
)

select * from final

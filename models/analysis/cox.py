"""Cox proportional-hazards models of group membership per comparison, unadjusted and
adjusted (her2lung.survival.cox) on fct_survival_cohorts.

The adjusted model uses the seed's adjust_for covariates (default: age, sex, stage and smoking
status, each where present), stratified by study when several studies are pooled. The reference
group is the seed's reference_group when that group has patients, else survival.py's default.
ph_test_p_value is the proportional-hazards check (Schoenfeld residuals, rank time) per term.
Computed with the other survival tables in one her2lung.survival.run_all
(her2lung.survival_results)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    results = her2lung.load("survival_results")  # one thread at a time (see her2lung.load)

    models = results.table(
        "cox",
        dbt.ref("fct_survival_cohorts"),
        dbt.ref("survival_comparisons"),
        min_group_size=int(dbt.config.get("min_group_size")),
    )
    return models.astype({"n": "Int64", "n_events": "Int64"})

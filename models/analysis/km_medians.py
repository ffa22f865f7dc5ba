"""Kaplan-Meier median overall survival with 95% CI per comparison group
(her2lung.survival.km_medians) on fct_survival_cohorts. Groups smaller than var
min_group_size are flagged is_underpowered. Computed with the other survival tables in one
her2lung.survival.run_all (her2lung.survival_results)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    results = her2lung.load("survival_results")  # one thread at a time (see her2lung.load)

    medians = results.table(
        "km_medians",
        dbt.ref("fct_survival_cohorts"),
        dbt.ref("survival_comparisons"),
        min_group_size=int(dbt.config.get("min_group_size")),
    )
    return medians.astype({"n": "Int64", "n_events": "Int64"})

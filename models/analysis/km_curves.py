"""Kaplan-Meier curves per comparison group (her2lung.survival.km_curves) on
fct_survival_cohorts. Unknown vital status is excluded, never censored; entry_months is
passed as delayed entry when present. Computed with the other survival tables in one
her2lung.survival.run_all (her2lung.survival_results)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    results = her2lung.load("survival_results")  # one thread at a time (see her2lung.load)

    curves = results.table(
        "km_curves",
        dbt.ref("fct_survival_cohorts"),
        dbt.ref("survival_comparisons"),
        min_group_size=int(dbt.config.get("min_group_size")),
    )
    return curves.astype({"n_at_risk": "Int64", "n_events": "Int64"})

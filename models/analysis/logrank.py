"""Log-rank test across the groups of each comparison (multivariate for more than two
groups; her2lung.survival.logrank) on fct_survival_cohorts. Comparisons with a group smaller
than var min_group_size get is_underpowered and no statistic or p-value. Computed with the
other survival tables in one her2lung.survival.run_all (her2lung.survival_results)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    results = her2lung.load("survival_results")  # one thread at a time (see her2lung.load)

    tests = results.table(
        "logrank",
        dbt.ref("fct_survival_cohorts"),
        dbt.ref("survival_comparisons"),
        min_group_size=int(dbt.config.get("min_group_size")),
    )
    tests = tests[["comparison", "n", "statistic", "df", "p_value", "is_underpowered"]]
    return tests.astype({"n": "Int64", "df": "Int64"})

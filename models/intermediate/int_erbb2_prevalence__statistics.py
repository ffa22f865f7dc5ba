"""Exact Clopper-Pearson 95% intervals for the ERBB2 prevalence counts (her2lung.stats)."""


def model(dbt, session):
    dbt.config(materialized="table")
    from her2lung.stats import prevalence_ci

    counts = dbt.ref("int_erbb2_prevalence__counts").df()
    return prevalence_ci(counts)

"""Exact Clopper-Pearson 95% intervals for the ERBB2 prevalence counts (her2lung.stats)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    stats = her2lung.load("stats")  # one thread at a time (see her2lung.load)

    counts = dbt.ref("int_erbb2_prevalence__counts").df()
    return stats.prevalence_ci(counts)

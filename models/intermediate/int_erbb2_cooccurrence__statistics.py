"""Fisher exact tests, BH q-values, Haldane log2 odds ratios and the pooled CMH test for the
ERBB2 co-occurrence tables (her2lung.stats)."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    stats = her2lung.load("stats")  # one thread at a time (see her2lung.load)

    counts = dbt.ref("int_erbb2_cooccurrence__counts").df()
    return stats.cooccurrence_stats(counts)

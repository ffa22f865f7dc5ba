"""Fisher exact tests, BH q-values, Haldane log2 odds ratios and the pooled CMH test for the
ERBB2 co-occurrence tables (her2lung.stats)."""


def model(dbt, session):
    dbt.config(materialized="table")
    from her2lung.stats import cooccurrence_stats

    counts = dbt.ref("int_erbb2_cooccurrence__counts").df()
    return cooccurrence_stats(counts)

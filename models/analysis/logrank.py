"""Log-rank test across the groups of each comparison (multivariate for more than two
groups; her2lung.survival.logrank) on fct_survival_cohorts. Comparisons with a group smaller
than var min_group_size get is_underpowered and no statistic or p-value."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    survival = her2lung.load("survival")  # one thread at a time (see her2lung.load)

    min_group_size = int(dbt.config.get("min_group_size"))
    cohorts = dbt.ref("fct_survival_cohorts").df()
    # The mart's grain is (comparison, study_id, patient_id); survival.py checks
    # (comparison, patient_id), so the patient key is made study-qualified.
    cohorts["patient_id"] = cohorts["study_id"] + "/" + cohorts["patient_id"]
    tests = survival.logrank(cohorts, min_group_size=min_group_size)
    tests = tests[["comparison", "n", "statistic", "df", "p_value", "is_underpowered"]]
    return tests.astype({"n": "Int64", "df": "Int64"})

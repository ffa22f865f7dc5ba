"""Kaplan-Meier median overall survival with 95% CI per comparison group
(her2lung.survival.km_medians) on fct_survival_cohorts. Groups smaller than var
min_group_size are flagged is_underpowered."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    survival = her2lung.load("survival")  # one thread at a time (see her2lung.load)

    min_group_size = int(dbt.config.get("min_group_size"))
    cohorts = dbt.ref("fct_survival_cohorts").df()
    # The mart's grain is (comparison, study_id, patient_id); survival.py checks
    # (comparison, patient_id), so the patient key is made study-qualified.
    cohorts["patient_id"] = cohorts["study_id"] + "/" + cohorts["patient_id"]
    medians = survival.km_medians(cohorts, min_group_size=min_group_size)
    return medians.astype({"n": "Int64", "n_events": "Int64"})

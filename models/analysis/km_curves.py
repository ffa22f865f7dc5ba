"""Kaplan-Meier curves per comparison group (her2lung.survival.km_curves) on
fct_survival_cohorts. Unknown vital status is excluded, never censored; entry_months is
passed as delayed entry when present."""

import her2lung


def model(dbt, session):
    dbt.config(materialized="table")
    survival = her2lung.load("survival")  # one thread at a time (see her2lung.load)

    cohorts = dbt.ref("fct_survival_cohorts").df()
    # The mart's grain is (comparison, study_id, patient_id); survival.py checks
    # (comparison, patient_id), so the patient key is made study-qualified.
    cohorts["patient_id"] = cohorts["study_id"] + "/" + cohorts["patient_id"]
    curves = survival.km_curves(cohorts)
    return curves.astype({"n_at_risk": "Int64", "n_events": "Int64"})

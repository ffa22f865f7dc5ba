"""Cox proportional-hazards models of group membership per comparison, unadjusted and
adjusted (her2lung.survival.cox) on fct_survival_cohorts.

The adjusted model uses the seed's adjust_for covariates (default: age, sex, stage and smoking
status, each where present), stratified by study when several studies are pooled. The reference
group is the seed's reference_group when that group has patients, else survival.py's default.
ph_test_p_value is the proportional-hazards check (Schoenfeld residuals, rank time) per term."""

import re

import pandas as pd

import her2lung

COVARIATES = ("age_at_diagnosis", "sex", "stage", "smoking_status")


def _text(value):
    return "" if value is None or pd.isna(value) else str(value).strip()


def _adjust_for(comparison, value):
    names = [name for name in re.split(r"[\s,]+", _text(value)) if name]
    unknown = sorted(set(names) - set(COVARIATES))
    if unknown:
        raise ValueError(
            f"survival_comparisons.adjust_for of {comparison!r}: unknown covariate(s) {unknown}; "
            f"choose from {list(COVARIATES)}"
        )
    return tuple(name for name in COVARIATES if name in names) if names else COVARIATES


def _append_note(frame, rows, message):
    frame.loc[rows, "note"] = [
        message if pd.isna(note) else f"{note}; {message}" for note in frame.loc[rows, "note"]
    ]


def model(dbt, session):
    dbt.config(materialized="table")
    survival = her2lung.load("survival")  # one thread at a time (see her2lung.load)

    min_group_size = int(dbt.config.get("min_group_size"))
    cohorts = dbt.ref("fct_survival_cohorts").df()
    seed = dbt.ref("survival_comparisons").df().set_index("comparison")
    # The mart's grain is (comparison, study_id, patient_id); survival.py checks
    # (comparison, patient_id), so the patient key is made study-qualified.
    cohorts["patient_id"] = cohorts["study_id"] + "/" + cohorts["patient_id"]

    results = []
    for comparison, rows in cohorts.groupby("comparison", sort=True):
        wanted = _text(seed.at[comparison, "reference_group"])
        present = wanted in set(rows["group_label"])
        covariates = _adjust_for(comparison, seed.at[comparison, "adjust_for"])
        left_out = [name for name in COVARIATES if name not in covariates]
        models = survival.cox(
            rows.drop(columns=left_out),
            min_group_size=min_group_size,
            reference_group=wanted if present else None,
        )
        if wanted and not present:
            _append_note(
                models,
                models.index,
                f"reference_group {wanted!r} has no patients; default reference used",
            )
        for name in left_out:
            models["note"] = models["note"].str.replace(
                f"{name} absent", f"{name} left out (seed adjust_for)", regex=False
            )
        results.append(models)
    if not results:
        return survival.cox(cohorts, min_group_size=min_group_size)[list(survival.COX_COLUMNS)]
    combined = pd.concat(results, ignore_index=True)
    return combined.astype({"n": "Int64", "n_events": "Int64"})

"""Tests for her2lung.survival: lifelines parity, published R values, data rules."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.testing as npt
import pandas as pd
import pytest
from lifelines import CoxPHFitter, CoxTimeVaryingFitter, KaplanMeierFitter
from lifelines.datasets import load_lung
from lifelines.statistics import logrank_test, multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import median_survival_times

from her2lung import survival as sv

# --------------------------------------------------------------------------- fixtures


def _synthetic(
    seed: int = 7,
    sizes: dict[str, int] | None = None,
    comparison: str = "erbb2_status",
    studies: tuple[str, ...] = ("study_a",),
) -> pd.DataFrame:
    """Long comparison frame with distinct continuous times (no ties)."""
    sizes = sizes or {"ERBB2 amplified": 25, "ERBB2 mutant": 30, "neither": 60}
    rng = np.random.default_rng(seed)
    frames = []
    for i, (label, n) in enumerate(sorted(sizes.items())):
        event_time = rng.exponential(12.0 + 8.0 * i, n)
        censor_time = rng.uniform(3.0, 48.0, n)
        frames.append(
            pd.DataFrame(
                {
                    "comparison": comparison,
                    "group_label": label,
                    "os_months": np.minimum(event_time, censor_time),
                    "os_event": (event_time <= censor_time).astype(float),
                    "age_at_diagnosis": rng.normal(64.0, 9.0, n).round(),
                    "sex": rng.choice(["Male", "Female"], n),
                    "stage": rng.choice(["IA", "IIB", "IIIA", "IVB"], n),
                    "smoking_status": rng.choice(["never", "former", "current"], n),
                    "study_id": rng.choice(list(studies), n),
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    df.insert(2, "patient_id", [f"P{i:04d}" for i in range(len(df))])
    df["entry_months"] = np.nan
    return df


@pytest.fixture(scope="module")
def lung_long() -> pd.DataFrame:
    """NCCTG lung (R survival::lung, shipped with lifelines) as comparison rows.

    lifelines codes status 1 = death, 0 = censored (R: 2 / 1); time is in days,
    which the functions treat as opaque time units. Two comparisons: 'sex'
    (male = R sex 1, female = R sex 2) and 'all' (one group).
    """
    lung = load_lung()
    by_sex = pd.DataFrame(
        {
            "comparison": "sex",
            "group_label": np.where(lung["sex"] == 1, "male", "female"),
            "patient_id": np.arange(len(lung)),
            "os_months": lung["time"].astype(float),
            "os_event": lung["status"].astype(float),
            "age_at_diagnosis": lung["age"].astype(float),
        }
    )
    everyone = by_sex.assign(comparison="all", group_label="all")
    return pd.concat([by_sex, everyone], ignore_index=True)


# --------------------------------------------------------------------------- contracts


def test_column_contracts_and_dtypes():
    df = _synthetic()
    before = df.copy()
    results = sv.run_all(df)
    pd.testing.assert_frame_equal(df, before)  # input left untouched
    expected = {
        "km_curves": sv.KM_CURVES_COLUMNS,
        "km_medians": sv.KM_MEDIANS_COLUMNS,
        "logrank": sv.LOGRANK_COLUMNS,
        "cox": sv.COX_COLUMNS,
    }
    assert set(results) == set(expected)
    labels = {"comparison", "group_label", "model", "term", "note"}
    for name, frame in results.items():
        assert tuple(frame.columns) == expected[name]
        for column in frame.columns:
            if column == "is_underpowered":
                assert frame[column].dtype == bool
            elif column in labels:
                assert frame[column].dtype == object
                assert all(isinstance(v, str) for v in frame[column].dropna())
            else:
                assert frame[column].dtype == np.float64, (name, column)


def test_ordering_is_deterministic_and_sorted():
    df = pd.concat([_synthetic(comparison="b"), _synthetic(seed=8, comparison="a")])
    shuffled = df.sample(frac=1.0, random_state=1)
    first, second = sv.run_all(df), sv.run_all(shuffled)
    for name in first:
        pd.testing.assert_frame_equal(first[name], second[name])
    curves = first["km_curves"]
    assert curves.equals(
        curves.sort_values(["comparison", "group_label", "time_months"]).reset_index(drop=True)
    )
    assert list(first["logrank"]["comparison"]) == ["a", "b"]
    cox = first["cox"]
    assert list(cox["comparison"]) == sorted(cox["comparison"])
    for _, models in cox.groupby("comparison"):
        assert list(dict.fromkeys(models["model"])) == ["unadjusted", "adjusted"]


def test_empty_input_gives_empty_frames():
    empty = _synthetic().iloc[0:0]
    for frame in sv.run_all(empty).values():
        assert frame.empty


# --------------------------------------------------------------------------- (1) lifelines parity


def test_km_matches_lifelines_directly():
    df = _synthetic()
    curves = sv.km_curves(df)
    medians = sv.km_medians(df)
    for label, group in df.groupby("group_label"):
        kmf = KaplanMeierFitter().fit(group["os_months"], group["os_event"])
        got = curves[curves["group_label"] == label]
        npt.assert_allclose(got["time_months"], kmf.survival_function_.index)
        npt.assert_allclose(got["survival"], kmf.survival_function_.iloc[:, 0])
        npt.assert_allclose(got["ci_low"], kmf.confidence_interval_.iloc[:, 0])
        npt.assert_allclose(got["ci_high"], kmf.confidence_interval_.iloc[:, 1])
        npt.assert_allclose(got["n_at_risk"], kmf.event_table["at_risk"])
        npt.assert_allclose(got["n_events"], kmf.event_table["observed"])

        row = medians[medians["group_label"] == label].iloc[0]
        ci = median_survival_times(kmf.confidence_interval_)
        assert row["n"] == len(group)
        assert row["n_events"] == group["os_event"].sum()
        assert row["median_months"] == pytest.approx(kmf.median_survival_time_)
        assert row["ci_low"] == pytest.approx(ci.iloc[0, 0])
        assert row["ci_high"] == pytest.approx(ci.iloc[0, 1])


def test_logrank_matches_lifelines_directly():
    df = _synthetic()
    row = sv.logrank(df).iloc[0]
    expected = multivariate_logrank_test(df["os_months"], df["group_label"], df["os_event"])
    assert row["statistic"] == pytest.approx(expected.test_statistic)
    assert row["p_value"] == pytest.approx(expected.p_value)
    assert (row["df"], row["n"], row["n_groups"]) == (2.0, len(df), 3.0)

    two = df[df["group_label"] != "ERBB2 amplified"]
    row = sv.logrank(two).iloc[0]
    a, b = (two[two["group_label"] == label] for label in ("ERBB2 mutant", "neither"))
    expected = logrank_test(a["os_months"], b["os_months"], a["os_event"], b["os_event"])
    assert row["statistic"] == pytest.approx(expected.test_statistic)
    assert row["p_value"] == pytest.approx(expected.p_value)


def _indicators(df: pd.DataFrame, column: str, levels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {f"{column}={level}": (df[column] == level).astype(float) for level in levels}
    )


def test_cox_matches_lifelines_directly():
    df = _synthetic()
    result = sv.cox(df)
    # Reference: 'neither' (the label starting with a comparator prefix).
    design = _indicators(df, "group_label", ["ERBB2 amplified", "ERBB2 mutant"])
    data = design.assign(T=df["os_months"], E=df["os_event"])
    cph = CoxPHFitter().fit(data, "T", "E")
    ph = proportional_hazard_test(cph, data, time_transform="rank").summary["p"]

    unadjusted = result[result["model"] == "unadjusted"].set_index("term")
    for label in ("ERBB2 amplified", "ERBB2 mutant"):
        got = unadjusted.loc[f"group_label: {label} vs neither"]
        summary = cph.summary.loc[f"group_label={label}"]
        assert got["hazard_ratio"] == pytest.approx(summary["exp(coef)"])
        assert got["ci_low"] == pytest.approx(summary["exp(coef) lower 95%"])
        assert got["ci_high"] == pytest.approx(summary["exp(coef) upper 95%"])
        assert got["p_value"] == pytest.approx(summary["p"])
        assert got["ph_test_p_value"] == pytest.approx(ph[f"group_label={label}"])
        assert (got["n"], got["n_events"]) == (len(df), df["os_event"].sum())

    # Adjusted: age per year, sex vs female, stage vs I, smoking vs never.
    covariates = pd.concat(
        [
            design,
            df[["age_at_diagnosis"]],
            (df["sex"] == "Male").astype(float).rename("male"),
            _indicators(
                df.assign(stage=df["stage"].map(sv.collapse_stage)), "stage", ["II", "III", "IV"]
            ),
            _indicators(df, "smoking_status", ["former", "current"]),
        ],
        axis=1,
    )
    data = covariates.assign(T=df["os_months"], E=df["os_event"])
    cph = CoxPHFitter().fit(data, "T", "E")
    ph = proportional_hazard_test(cph, data, time_transform="rank").summary["p"]
    adjusted = result[result["model"] == "adjusted"].set_index("term")
    pairs = {
        "group_label: ERBB2 mutant vs neither": "group_label=ERBB2 mutant",
        "age_at_diagnosis: per year": "age_at_diagnosis",
        "sex: male vs female": "male",
        "stage: III vs I": "stage=III",
        "smoking_status: current vs never": "smoking_status=current",
    }
    assert len(adjusted) == len(cph.summary)
    for term, column in pairs.items():
        assert adjusted.loc[term, "hazard_ratio"] == pytest.approx(
            cph.summary.loc[column, "exp(coef)"]
        )
        assert adjusted.loc[term, "p_value"] == pytest.approx(cph.summary.loc[column, "p"])
        assert adjusted.loc[term, "ph_test_p_value"] == pytest.approx(ph[column])


# --------------------------------------------------------------------------- (2) published R values


def test_lung_km_matches_r_survfit(lung_long):
    """R survival::survfit on lung.

    Overall: n 228, events 165, median 310. By sex with conf.type = "log-log"
    (lifelines' exponential Greenwood interval): sex=1 n 138, events 112, median
    270 (210, 306); sex=2 n 90, events 53, median 426 (345, 524). Source: R's
    print(survfit(Surv(time, status) ~ 1 / ~ sex, data = lung [, conf.type =
    "log-log"])) output as reproduced, identically, in several public R tutorials.
    (R's default conf.type = "log" gives other CIs, e.g. overall 285-363.)
    """
    medians = sv.km_medians(lung_long).set_index(["comparison", "group_label"])
    overall = medians.loc[("all", "all")]
    assert (overall["n"], overall["n_events"], overall["median_months"]) == (228, 165, 310)
    male, female = medians.loc[("sex", "male")], medians.loc[("sex", "female")]
    assert (male["n"], male["n_events"], male["median_months"]) == (138, 112, 270)
    assert (male["ci_low"], male["ci_high"]) == (210, 306)
    assert (female["n"], female["n_events"], female["median_months"]) == (90, 53, 426)
    assert (female["ci_low"], female["ci_high"]) == (345, 524)


def test_lung_km_curve_matches_r_summary(lung_long):
    """R summary(survfit(Surv(time, status) ~ sex, lung)), stratum sex=1:
    time 11: n.risk 138, n.event 3, survival 0.9783; time 163: 100, 3, 0.7029
    (R output reproduced in a public tutorial; survival is CI-type independent)."""
    curves = sv.km_curves(lung_long)
    male = curves[(curves["comparison"] == "sex") & (curves["group_label"] == "male")]
    male = male.set_index("time_months")
    assert male.loc[11.0, ["n_at_risk", "n_events"]].tolist() == [138, 3]
    assert male.loc[11.0, "survival"] == pytest.approx(0.9783, abs=5e-5)
    assert male.loc[163.0, ["n_at_risk", "n_events"]].tolist() == [100, 3]
    assert male.loc[163.0, "survival"] == pytest.approx(0.7029, abs=5e-5)


def test_lung_logrank_matches_r_survdiff(lung_long):
    """R survdiff(Surv(time, status) ~ sex, lung): Chisq = 10.3267 on 1 df,
    p = 0.00131116 (O/E 112/91.5817 and 53/73.4183); full-precision R output as
    printed in "Machine Learning with R Cookbook" (Packt), log-rank recipe."""
    row = sv.logrank(lung_long).set_index("comparison").loc["sex"]
    assert row["statistic"] == pytest.approx(10.3267, abs=1e-4)
    assert row["p_value"] == pytest.approx(0.00131116, rel=1e-5)
    assert (row["df"], row["n"], row["n_groups"]) == (1, 228, 2)


def test_lung_cox_matches_r_coxph(lung_long):
    """R coxph (Efron ties) on lung.

    ~ sex: coef -0.5310, HR 0.5880 (0.4237, 0.816), p 0.00149.
    ~ sex + age: sex HR 0.598566 (0.4311, 0.8311), p 0.00218;
    age HR 1.017191 (0.9990, 1.0357), p 0.06459. Source: summary(coxph(...))
    output reproduced in public R tutorials and Q&A (e.g. Cross Validated, "Get
    standard error of exponentiated coefficient in cox regression"). Reference
    group is male, R's sex = 1 (also our default: the larger group).
    """
    result = sv.cox(lung_long, reference_group={"sex": "male"})
    pd.testing.assert_frame_equal(result, sv.cox(lung_long))  # default rule: larger group
    result = result[result["comparison"] == "sex"].set_index(["model", "term"])
    sex = result.loc[("unadjusted", "group_label: female vs male")]
    assert np.log(sex["hazard_ratio"]) == pytest.approx(-0.5310, abs=5e-5)
    assert sex["hazard_ratio"] == pytest.approx(0.5880, abs=5e-5)
    assert sex["ci_low"] == pytest.approx(0.4237, abs=5e-5)
    assert sex["ci_high"] == pytest.approx(0.816, abs=5e-4)
    assert sex["p_value"] == pytest.approx(0.00149, abs=5e-6)

    # R prints 6 decimals; lifelines' Newton-Raphson stops ~1e-6 from R's optimum.
    sex = result.loc[("adjusted", "group_label: female vs male")]
    assert sex["hazard_ratio"] == pytest.approx(0.598566, abs=2e-6)
    assert (sex["ci_low"], sex["ci_high"]) == pytest.approx((0.4311, 0.8311), abs=5e-5)
    assert sex["p_value"] == pytest.approx(0.00218, abs=5e-6)
    age = result.loc[("adjusted", "age_at_diagnosis: per year")]
    assert age["hazard_ratio"] == pytest.approx(1.017191, abs=2e-6)
    assert (age["ci_low"], age["ci_high"]) == pytest.approx((0.9990, 1.0357), abs=5e-5)
    assert age["p_value"] == pytest.approx(0.06459, abs=5e-6)
    assert (age["n"], age["n_events"]) == (228, 165)


def test_delayed_entry_logrank_without_entry_reproduces_survdiff():
    """The counting-process log-rank used for delayed entry is the same test:
    with every entry at 0 it gives R's survdiff chisq 10.3267 on lung, and equals
    lifelines' multivariate test on three groups (tied times included)."""
    lung = load_lung()
    time = lung["time"].to_numpy(float)
    event = lung["status"].to_numpy(bool)
    zeros = np.zeros(len(lung))
    statistic, dof = sv._logrank_delayed_entry(zeros, time, event, lung["sex"].to_numpy())
    assert (statistic, dof) == (pytest.approx(10.3267, abs=1e-4), 1)

    ecog = lung["ph.ecog"].fillna(1).clip(upper=2).astype(int).to_numpy()
    statistic, dof = sv._logrank_delayed_entry(zeros, time, event, ecog)
    expected = multivariate_logrank_test(time, ecog, event)
    assert statistic == pytest.approx(expected.test_statistic, rel=1e-9)
    assert dof == expected.degrees_of_freedom


# --------------------------------------------------------------------------- (3) unknown status


def test_unknown_status_is_excluded_not_censored():
    df = _synthetic(sizes={"ERBB2 mutant": 30, "not ERBB2 mutant": 40})
    # Unknown status on early times of one group: censoring them would raise
    # that group's survival, excluding them must give the known-only numbers.
    unknown = df.index[(df["group_label"] == "ERBB2 mutant") & (df["os_months"] < 8.0)][:6]
    assert len(unknown) == 6
    with_unknown = df.copy()
    with_unknown["os_event"] = with_unknown["os_event"].astype("boolean")
    with_unknown.loc[unknown, "os_event"] = pd.NA
    known_only = df.drop(index=unknown)
    as_censored = df.copy()
    as_censored.loc[unknown, "os_event"] = 0.0

    got, expected, wrong = (sv.run_all(frame) for frame in (with_unknown, known_only, as_censored))
    for name in got:
        pd.testing.assert_frame_equal(got[name], expected[name])
    mutant = got["km_medians"].set_index("group_label").loc["ERBB2 mutant"]
    assert mutant["n"] == 24
    assert got["logrank"]["statistic"].iloc[0] != pytest.approx(
        wrong["logrank"]["statistic"].iloc[0]
    )
    assert not got["km_curves"]["survival"].equals(wrong["km_curves"]["survival"])


def test_invalid_rows_are_excluded():
    df = _synthetic(sizes={"a": 12, "b": 12})
    bad = df.iloc[:4].copy()
    bad["patient_id"] = ["X1", "X2", "X3", "X4"]
    bad["os_months"] = [np.nan, -1.0, 5.0, 5.0]
    bad["os_event"] = [1.0, 1.0, None, 1.0]
    bad["entry_months"] = [np.nan, np.nan, np.nan, 6.0]  # last: entry after os
    got = sv.km_medians(pd.concat([df, bad]))
    pd.testing.assert_frame_equal(got, sv.km_medians(df))


def test_input_validation():
    df = _synthetic(sizes={"a": 12, "b": 12})
    with pytest.raises(ValueError, match="os_event"):
        sv.km_curves(df.assign(os_event=df["os_event"] + 1))  # R's 1/2 coding
    with pytest.raises(ValueError, match="patient_id"):
        sv.logrank(pd.concat([df, df.iloc[:1]]))
    with pytest.raises(ValueError, match="missing required"):
        sv.km_medians(df.drop(columns="os_event"))
    with pytest.raises(ValueError, match="reference_group"):
        sv.cox(df, reference_group="nonexistent")


# --------------------------------------------------------------------------- (4) median not reached


def test_median_not_reached_is_nan():
    df = pd.DataFrame(
        {
            "comparison": "c",
            "group_label": "few deaths",
            "os_months": np.arange(1.0, 13.0),
            "os_event": [1.0, 0.0, 1.0] + [0.0] * 9,
        }
    )
    row = sv.km_medians(df).iloc[0]
    kmf = KaplanMeierFitter().fit(df["os_months"], df["os_event"])
    assert np.isinf(kmf.median_survival_time_)  # lifelines says "not reached"
    assert np.isnan(row["median_months"])
    assert np.isnan(row["ci_high"])
    assert (row["n"], row["n_events"]) == (12, 2)


# --------------------------------------------------------------------------- (5) underpowered


def test_underpowered_groups_and_comparisons():
    df = _synthetic(sizes={"ERBB2 exon20ins": 6, "other ERBB2": 30})
    medians = sv.km_medians(df).set_index("group_label")
    assert medians.loc["ERBB2 exon20ins", "is_underpowered"]
    assert not medians.loc["other ERBB2", "is_underpowered"]
    assert medians.loc["ERBB2 exon20ins", "n"] == 6

    row = sv.logrank(df).iloc[0]
    assert row["is_underpowered"] and np.isnan(row["p_value"]) and np.isnan(row["statistic"])
    assert (row["n"], row["n_groups"]) == (36, 2)

    cox = sv.cox(df)
    assert cox["is_underpowered"].all()
    assert cox["p_value"].isna().all() and cox["hazard_ratio"].isna().all()
    assert set(cox["term"]) == {"group_label: ERBB2 exon20ins vs other ERBB2"}
    assert (cox["n"] == 36).all() and (cox["n_events"] == df["os_event"].sum()).all()
    assert cox["note"].str.contains("min_group_size=10").all()

    assert not sv.logrank(df, min_group_size=5)["is_underpowered"].iloc[0]
    assert not np.isnan(sv.logrank(df, min_group_size=5)["p_value"].iloc[0])


def test_single_group_and_emptied_group_are_underpowered():
    df = _synthetic(sizes={"a": 15, "b": 15})
    emptied = df.assign(os_event=np.where(df["group_label"] == "b", np.nan, df["os_event"]))
    medians = sv.km_medians(emptied).set_index("group_label")
    assert medians.loc["b", "n"] == 0 and medians.loc["b", "is_underpowered"]
    row = sv.logrank(emptied).iloc[0]
    assert row["is_underpowered"] and row["n_groups"] == 1 and np.isnan(row["p_value"])
    single = sv.cox(df[df["group_label"] == "a"])
    assert single["term"].isna().all() and single["is_underpowered"].all()


# --------------------------------------------------------------------------- (6) left truncation


def _with_entry(df: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    entry = np.minimum(rng.uniform(0.0, 10.0, len(df)), df["os_months"] * 0.9)
    return df.assign(entry_months=np.where(rng.random(len(df)) < 0.6, entry, np.nan))


def test_entry_changes_km_curve_as_lifelines_does():
    df = _with_entry(_synthetic())
    curves = sv.km_curves(df)
    medians = sv.km_medians(df).set_index("group_label")
    plain = sv.km_curves(df.assign(entry_months=np.nan))
    for label, group in df.groupby("group_label"):
        entry = group["entry_months"].fillna(0.0)
        kmf = KaplanMeierFitter().fit(group["os_months"], group["os_event"], entry=entry)
        got = curves[curves["group_label"] == label]
        npt.assert_allclose(got["time_months"], kmf.survival_function_.index)
        npt.assert_allclose(got["survival"], kmf.survival_function_.iloc[:, 0])
        npt.assert_allclose(got["ci_low"], kmf.confidence_interval_.iloc[:, 0])
        npt.assert_allclose(got["n_at_risk"], kmf.event_table["at_risk"])
        assert medians.loc[label, "median_months"] == pytest.approx(kmf.median_survival_time_)
        without = plain[plain["group_label"] == label]
        assert not np.allclose(
            np.interp(without["time_months"], got["time_months"], got["survival"]),
            without["survival"],
        )


def test_entry_used_in_cox_and_logrank():
    df = _with_entry(_synthetic(sizes={"ERBB2 mutant": 40, "not ERBB2 mutant": 50}))
    row = sv.cox(df).query("model == 'unadjusted'").iloc[0]
    data = pd.DataFrame(
        {
            "g": (df["group_label"] == "ERBB2 mutant").astype(float),
            "T": df["os_months"],
            "E": df["os_event"],
            "entry": df["entry_months"].fillna(0.0),
        }
    )
    cph = CoxPHFitter().fit(data, "T", "E", entry_col="entry")
    assert row["hazard_ratio"] == pytest.approx(cph.summary.loc["g", "exp(coef)"])
    assert row["p_value"] == pytest.approx(cph.summary.loc["g", "p"])
    assert np.isnan(row["ph_test_p_value"]) and "delayed entry" in row["note"]

    # Log-rank over delayed-entry risk sets = Cox score test at beta = 0 (no tied
    # times, so Efron = Breslow), from lifelines' counting-process derivatives.
    hessian, gradient, _ = CoxTimeVaryingFitter._get_gradients(
        data[["g"]].to_numpy(),
        data["E"].to_numpy(bool),
        data["entry"].to_numpy(),
        data["T"].to_numpy(),
        np.ones(len(data)),
        np.zeros(1),
    )
    score = float(gradient @ np.linalg.solve(-hessian, gradient))
    logrank_row = sv.logrank(df).iloc[0]
    assert logrank_row["statistic"] == pytest.approx(score, rel=1e-9)
    plain = sv.logrank(df.assign(entry_months=np.nan)).iloc[0]
    assert logrank_row["statistic"] != pytest.approx(plain["statistic"])


def test_zero_length_entry_window_is_dropped():
    df = _with_entry(_synthetic(sizes={"a": 12, "b": 12}))
    extra = df.iloc[:1].assign(patient_id="Z", entry_months=df["os_months"].iloc[0])
    got = sv.km_medians(pd.concat([df, extra])).set_index("group_label")
    assert got["n"].sum() == len(df)


# --------------------------------------------------------------------------- (7) strata


def test_multi_study_cox_is_stratified():
    df = _synthetic(
        sizes={"ERBB2 mutant": 40, "not ERBB2 mutant": 60}, studies=("luad_tcga", "nsclc_msk")
    )
    row = sv.cox(df).query("model == 'unadjusted'").iloc[0]
    data = pd.DataFrame(
        {
            "g": (df["group_label"] == "ERBB2 mutant").astype(float),
            "T": df["os_months"],
            "E": df["os_event"],
            "study_id": df["study_id"],
        }
    )
    stratified = CoxPHFitter().fit(data, "T", "E", strata=["study_id"])
    unstratified = CoxPHFitter().fit(data.drop(columns="study_id"), "T", "E")
    ph = proportional_hazard_test(stratified, data, time_transform="rank").summary["p"]
    assert row["hazard_ratio"] == pytest.approx(stratified.summary.loc["g", "exp(coef)"])
    assert row["hazard_ratio"] != pytest.approx(unstratified.summary.loc["g", "exp(coef)"])
    assert row["ph_test_p_value"] == pytest.approx(ph["g"])
    assert "stratified by study_id (2 studies)" in row["note"]

    one_study = sv.cox(df.assign(study_id="luad_tcga")).query("model == 'unadjusted'").iloc[0]
    assert one_study["hazard_ratio"] == pytest.approx(unstratified.summary.loc["g", "exp(coef)"])
    assert pd.isna(one_study["note"])


# --------------------------------------------------------------------------- Cox details


def test_reference_group_rule():
    assert sv.choose_reference_group(
        ["ERBB2 mutant", "not ERBB2 mutant"], {"ERBB2 mutant": 90}
    ) == ("not ERBB2 mutant")
    assert (
        sv.choose_reference_group(["amp", "mut", "Neither"], {"amp": 50, "Neither": 5}) == "Neither"
    )
    assert sv.choose_reference_group(["b", "a", "c"], {"a": 5, "b": 9, "c": 9}) == "b"
    df = _synthetic(sizes={"x": 20, "y": 30})
    assert set(sv.cox(df)["term"].dropna()) >= {"group_label: x vs y"}
    assert set(sv.cox(df, reference_group="x")["term"].dropna()) >= {"group_label: y vs x"}


def test_collapse_stage():
    cases = {"IA": "I", "IB2": "I", "Stage IIIA": "III", "stage ivb": "IV", "2": "II", "II": "II"}
    for raw, expected in cases.items():
        assert sv.collapse_stage(raw) == expected
    for raw in ("0", "occult", "unknown", "T2N0M0", None, np.nan):
        assert pd.isna(sv.collapse_stage(raw))


def test_adjusted_model_uses_available_covariates_and_complete_cases():
    df = _synthetic(sizes={"ERBB2 mutant": 40, "not ERBB2 mutant": 60})
    df.loc[df.index[::10], "age_at_diagnosis"] = np.nan  # 10% missing: kept, rows dropped
    df["smoking_status"] = np.where(np.arange(len(df)) % 5 == 0, "former", "unknown")  # 20%
    adjusted = sv.cox(df).query("model == 'adjusted'")
    assert (adjusted["n"] == 90).all()
    terms = set(adjusted["term"])
    assert "age_at_diagnosis: per year" in terms
    assert not any(term.startswith("smoking_status") for term in terms)
    assert adjusted["note"].str.contains("smoking_status non-null in 20% < 50%").all()
    unadjusted = sv.cox(df).query("model == 'unadjusted'")
    assert (unadjusted["n"] == 100).all()


def test_adjust_for_narrows_the_adjusted_model_per_comparison():
    """adjust_for {comparison: names} fits the adjusted model on the named covariates only:
    the same estimates as leaving the other covariate columns out of the input, the others
    noted as left out; comparisons it does not name keep all four candidates."""
    df = pd.concat([_synthetic(comparison="a", seed=4), _synthetic(comparison="b", seed=5)])
    narrowed = sv.cox(df, adjust_for={"a": ("age_at_diagnosis", "stage")})
    alone = sv.cox(df[df["comparison"] == "a"].drop(columns=["sex", "smoking_status"]))
    a_rows = narrowed[narrowed["comparison"] == "a"].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        a_rows[["model", "term", "hazard_ratio", "ci_low", "ci_high", "p_value", "n"]],
        alone[["model", "term", "hazard_ratio", "ci_low", "ci_high", "p_value", "n"]],
        rtol=1e-12,
    )
    adjusted = a_rows[a_rows["model"] == "adjusted"]
    assert adjusted["note"].str.contains("sex left out (adjust_for)", regex=False).all()
    assert adjusted["note"].str.contains("smoking_status left out (adjust_for)", regex=False).all()
    assert not adjusted["term"].str.startswith(("sex", "smoking_status")).any()
    as_iterator = sv.cox(df, adjust_for={"a": iter(("age_at_diagnosis", "stage"))})
    pd.testing.assert_frame_equal(as_iterator, narrowed)
    b_rows = narrowed[narrowed["comparison"] == "b"].reset_index(drop=True)
    pd.testing.assert_frame_equal(b_rows, sv.cox(df[df["comparison"] == "b"]))
    with pytest.raises(ValueError, match="unknown covariate"):
        sv.cox(df, adjust_for={"a": ("age_at_diagnosis", "ecog")})
    with pytest.raises(TypeError, match="not a str"):
        sv.run_all(df, adjust_for={"a": "stage"})


def test_convergence_error_is_reported_in_note():
    df = _synthetic(sizes={"a": 20, "b": 20})
    # Age perfectly collinear with the group indicator: singular information matrix.
    df["age_at_diagnosis"] = np.where(df["group_label"] == "b", 70.0, 60.0)
    df = df.drop(columns=["sex", "stage", "smoking_status"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        adjusted = sv.cox(df).query("model == 'adjusted'")
    assert adjusted["hazard_ratio"].isna().all() and adjusted["p_value"].isna().all()
    assert adjusted["note"].str.contains("ConvergenceError").all()
    assert not adjusted["is_underpowered"].any()


def test_results_do_not_depend_on_the_input_row_order():
    """The same rows in another order (as a different engine or file returns them) give the
    same results, ph test included: with tied times, lifelines' Schoenfeld residuals follow the
    row order, so the analysis set is put in one order (group, time, patient) first."""
    df = _synthetic(seed=3)
    df["os_months"] = df["os_months"].round()  # many tied times
    shuffled = df.sample(frac=1.0, random_state=5).reset_index(drop=True)
    for function in (sv.cox, sv.km_curves, sv.km_medians, sv.logrank):
        pd.testing.assert_frame_equal(function(shuffled), function(df))


# --------------------------------------------------------------------------- (8) fast paths
# The layer collapses identical rows for Kaplan-Meier and the log-rank test and computes
# lifelines' Efron sums and Schoenfeld residuals with numpy (see survival.py). Each shortcut
# is checked here against lifelines on every row: exact where the arithmetic is the same,
# 1e-10 where only the order of additions differs.


def _tied(df: pd.DataFrame, step: float = 1.0) -> pd.DataFrame:
    """Times (and entries) rounded to a grid: many tied and identical rows."""
    tied = df.assign(os_months=(df["os_months"] / step).round() * step)
    if "entry_months" in tied:
        entry = np.minimum(np.floor(tied["entry_months"] / step) * step, tied["os_months"])
        tied["entry_months"] = entry.where(tied["entry_months"].notna())
    return tied


def _fast_path_frames() -> dict[str, pd.DataFrame]:
    big = {"ERBB2 amplified": 60, "ERBB2 mutant": 80, "neither": 300}
    studies = ("s1", "s2", "s3")
    return {
        "distinct times": _synthetic(),
        "ties": _tied(_synthetic(seed=3, sizes=big)),
        "heavy ties": _tied(_synthetic(seed=4, sizes=big), step=6.0),
        "ties, strata": _tied(_synthetic(seed=5, sizes=big, studies=studies)),
        "entry": _with_entry(_synthetic(seed=6)),
        "entry, ties, strata": _tied(_with_entry(_synthetic(seed=7, sizes=big, studies=studies))),
    }


@pytest.mark.parametrize("name", list(_fast_path_frames()))
def test_km_on_collapsed_rows_is_lifelines_on_every_row(name):
    """KaplanMeierFitter(weights=count) on the distinct rows gives exactly the fit on all
    rows: estimate, Greenwood interval, event table (at risk, entrance), median."""
    for comp in sv._split(_fast_path_frames()[name]):
        counts = sv._counts(comp)
        assert counts.count.sum() == len(comp.data)
        for label, block in counts.groups.items():
            rows = comp.data[comp.data["group_label"] == label]
            expected = KaplanMeierFitter().fit(
                rows["time"], rows["event"], entry=rows["entry"] if comp.uses_entry else None
            )
            got = sv._fit_km(counts, block, comp.uses_entry)
            for attribute in ("survival_function_", "confidence_interval_", "event_table"):
                pd.testing.assert_frame_equal(
                    getattr(got, attribute), getattr(expected, attribute), check_exact=True
                )
            assert got.median_survival_time_ == expected.median_survival_time_
            pd.testing.assert_frame_equal(
                median_survival_times(got.confidence_interval_),
                median_survival_times(expected.confidence_interval_),
                check_exact=True,
            )


@pytest.mark.parametrize("name", list(_fast_path_frames()))
def test_logrank_on_collapsed_rows_is_the_test_on_every_row(name):
    df = _fast_path_frames()[name]
    (comp,) = sv._split(df)
    row = sv.logrank(df).iloc[0]
    data = comp.data
    if comp.uses_entry:
        expected, _ = _logrank_delayed_entry_loop(
            data["entry"].to_numpy(),
            data["time"].to_numpy(),
            data["event"].to_numpy(bool),
            data["group_label"].to_numpy(object),
        )
    else:
        expected = multivariate_logrank_test(
            data["time"], data["group_label"], data["event"]
        ).test_statistic
    assert row["statistic"] == expected  # same event tables / counts: the same floats


def _logrank_delayed_entry_loop(entry, time, event, groups):
    """The delayed-entry log-rank as first written: a loop over death times, risk sets by
    masks over every row (the reference for the vectorised version)."""
    labels, codes = np.unique(groups, return_inverse=True)
    k = len(labels)
    observed, expected, variance = np.zeros(k), np.zeros(k), np.zeros((k, k))
    for t in np.unique(time[event]):
        at_risk = (entry < t) & (time >= t)
        n_j = np.bincount(codes[at_risk], minlength=k).astype("float64")
        d_j = np.bincount(codes[event & (time == t)], minlength=k).astype("float64")
        n, d = n_j.sum(), d_j.sum()
        share = n_j / n
        observed += d_j
        expected += d * share
        if n > 1:
            variance += d * (n - d) / (n - 1) * (np.diag(share) - np.outer(share, share))
    z = (observed - expected)[:-1]
    return float(z @ np.linalg.pinv(variance[:-1, :-1]) @ z), k - 1


def test_delayed_entry_logrank_counts_equal_rows():
    """Vectorised counting-process log-rank, on every row and on collapsed rows with
    counts, equals the loop over death times (lung: tied days, three groups)."""
    lung = load_lung()
    rng = np.random.default_rng(1)
    time = lung["time"].to_numpy(float)
    entry = np.where(rng.random(len(lung)) < 0.5, np.floor(rng.uniform(0, 1, len(lung)) * time), 0)
    event = lung["status"].to_numpy(bool)
    groups = lung["ph.ecog"].fillna(1).clip(upper=2).astype(int).to_numpy()
    expected = _logrank_delayed_entry_loop(entry, time, event, groups)
    assert sv._logrank_delayed_entry(entry, time, event, groups) == expected
    rows = pd.DataFrame({"g": groups, "t": time, "e": event, "s": entry})
    collapsed = rows.groupby(["g", "t", "e", "s"]).size().reset_index(name="n")
    assert len(collapsed) < len(rows)
    got = sv._logrank_delayed_entry(
        collapsed["s"].to_numpy(),
        collapsed["t"].to_numpy(),
        collapsed["e"].to_numpy(),
        collapsed["g"].to_numpy(),
        collapsed["n"].to_numpy(float),
    )
    assert got[0] == pytest.approx(expected[0], rel=1e-12) and got[1] == expected[1]


def _cox_frame(df: pd.DataFrame, covariates: bool) -> tuple[pd.DataFrame, dict]:
    """A lifelines design matrix from a test frame, and the fit's keyword arguments."""
    data = _indicators(df, "group_label", sorted(set(df["group_label"]))[:-1])
    if covariates:
        data["age"] = df["age_at_diagnosis"].to_numpy()
        data["male"] = (df["sex"] == "Male").to_numpy(float)
        data = pd.concat(
            [data, _indicators(df, "stage", ["IIB", "IIIA", "IVB"]).set_index(data.index)],
            axis=1,
        )
    data["T"], data["E"] = df["os_months"].to_numpy(), df["os_event"].to_numpy()
    kwargs: dict = {}
    if df["study_id"].nunique() > 1:
        data["study"] = df["study_id"].to_numpy()
        kwargs["strata"] = ["study"]
    if df["entry_months"].notna().any():
        data["entry"] = df["entry_months"].fillna(0.0).to_numpy()
        data = data[data["entry"] < data["T"]].reset_index(drop=True)
        kwargs["entry_col"] = "entry"
    return data.reset_index(drop=True), kwargs


@pytest.mark.parametrize("covariates", [False, True], ids=["group only", "adjusted"])
@pytest.mark.parametrize("name", list(_fast_path_frames()))
def test_vectorised_efron_fit_is_lifelines_fit(name, covariates):
    """sv._CoxPHFitter (lifelines' Newton-Raphson on vectorised Efron sums) gives stock
    CoxPHFitter's estimates, standard errors and p-values, stratified and with entry."""
    data, kwargs = _cox_frame(_fast_path_frames()[name], covariates)
    expected = CoxPHFitter().fit(data, "T", "E", **kwargs)
    got = sv._CoxPHFitter().fit(data, "T", "E", **kwargs)
    columns = ["coef", "se(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%", "z", "p"]
    npt.assert_allclose(got.summary[columns], expected.summary[columns], rtol=1e-10, atol=0)
    assert got.log_likelihood_ == pytest.approx(expected.log_likelihood_, rel=1e-12)


@pytest.mark.parametrize("with_entry", [False, True], ids=["no entry", "entry"])
def test_efron_sums_are_lifelines_sums(with_entry):
    """Log-likelihood, gradient and Hessian at a point away from the optimum, with case
    weights and ties, against lifelines' row loop / counting-process loop."""
    from lifelines.fitters.coxph_fitter import SemiParametricPHFitter

    rng = np.random.default_rng(2)
    n = 400
    x = rng.normal(size=(n, 3))
    time = np.sort(rng.integers(1, 40, n).astype(float))
    event = rng.random(n) < 0.6
    weights = rng.integers(1, 4, n).astype(float)
    beta = np.array([0.3, -0.2, 0.1])
    if with_entry:
        entry = np.floor(rng.uniform(0, 1, n) * time)
        expected = CoxTimeVaryingFitter._get_gradients(x, event, entry, time, weights, beta)
    else:
        entry = None
        expected = SemiParametricPHFitter()._get_efron_values_single(
            pd.DataFrame(x), pd.Series(time), pd.Series(event), pd.Series(weights), None, beta
        )
    hessian, gradient, log_lik = sv._EfronStratum(x, time, event, weights, entry)(beta)
    npt.assert_allclose(hessian, expected[0], rtol=1e-10, atol=1e-10 * np.abs(expected[0]).max())
    npt.assert_allclose(gradient, expected[1], rtol=1e-10, atol=1e-10 * np.abs(expected[1]).max())
    assert log_lik == pytest.approx(expected[2], rel=1e-12)


@pytest.mark.parametrize("covariates", [False, True], ids=["group only", "adjusted"])
@pytest.mark.parametrize("name", [n for n in _fast_path_frames() if "entry" not in n])
def test_vectorised_ph_test_is_lifelines_ph_test(name, covariates):
    """Scaled Schoenfeld residuals from numpy equal lifelines' compute_residuals, and the
    rank-transformed proportional-hazards test on them equals lifelines' own (1e-8: the
    statistic is a small difference of large sums, which magnifies rounding)."""
    data, kwargs = _cox_frame(_fast_path_frames()[name], covariates)
    cph = CoxPHFitter().fit(data, "T", "E", **kwargs)
    expected = cph.compute_residuals(data, "scaled_schoenfeld")
    got = sv._scaled_schoenfeld(cph, data)
    assert list(got.columns) == list(expected.columns)
    scale = np.abs(expected.to_numpy()).max()
    npt.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=0, atol=1e-12 * scale)
    p_expected = proportional_hazard_test(cph, data, time_transform="rank").summary["p"]
    p_got = proportional_hazard_test(
        cph, data, time_transform="rank", precomputed_residuals=got
    ).summary["p"]
    npt.assert_allclose(p_got, p_expected, rtol=1e-8, atol=0)
    # lifelines' own residuals on sv._CoxPHFitter (its per-stratum partition replaced)
    fast = sv._CoxPHFitter().fit(data, "T", "E", **kwargs)
    p_fast = proportional_hazard_test(fast, data, time_transform="rank").summary["p"]
    npt.assert_allclose(p_fast, p_expected, rtol=1e-8, atol=0)


def test_cox_output_is_lifelines_on_tied_strata():
    """End to end: sv.cox's hazard ratios, p-values and ph-test p-values on tied,
    multi-study data are stock lifelines' (CoxPHFitter + proportional_hazard_test)."""
    df = _fast_path_frames()["ties, strata"]
    data, kwargs = _cox_frame(df, covariates=False)
    cph = CoxPHFitter().fit(data, "T", "E", **kwargs)
    ph = proportional_hazard_test(cph, data, time_transform="rank").summary["p"]
    got = sv.cox(df).query("model == 'unadjusted'").set_index("term")
    for column in cph.params_.index:
        label = column.removeprefix("group_label=")
        row = got.loc[f"group_label: {label} vs neither"]
        assert row["hazard_ratio"] == pytest.approx(cph.summary.loc[column, "exp(coef)"], rel=1e-10)
        assert row["p_value"] == pytest.approx(cph.summary.loc[column, "p"], rel=1e-9)
        assert row["ph_test_p_value"] == pytest.approx(ph[column], rel=1e-8)


def test_run_all_shares_work_but_equals_the_single_functions():
    df = pd.concat([_tied(_with_entry(_synthetic(comparison="b"))), _synthetic(comparison="a")])
    results = sv.run_all(df)
    for name in ("km_curves", "km_medians", "logrank", "cox"):
        pd.testing.assert_frame_equal(results[name], getattr(sv, name)(df))
    options = {"reference_group": {"b": "neither"}, "adjust_for": {"a": ["sex"]}}
    pd.testing.assert_frame_equal(sv.run_all(df, **options)["cox"], sv.cox(df, **options))


def test_column_shortcuts_equal_row_by_row_mapping():
    """Label and code columns are mapped once per distinct value (Categorical); the values
    equal mapping every row, for strings with nulls of every kind, and other dtypes fall
    back to the row-by-row map."""
    sex = pd.Series(["Male", "female", None, "M", np.nan, "f", pd.NA, "other", "Male"])
    got = sv._normalise_code(sex, sv._SEX_CODES)
    assert isinstance(got, pd.Categorical)
    expected = sex.astype(object).map(
        lambda v: (
            np.nan if v is None or pd.isna(v) else sv._SEX_CODES.get(v.strip().lower(), np.nan)
        )
    )
    assert pd.Series(got.astype(object)).equals(expected)
    stage = pd.Series(["IIIA", "Stage IVB", "stage 1a", None, "0", "IA2"])
    got = sv._map_values(stage, sv.collapse_stage, null_result=np.nan)
    assert list(pd.Series(got.astype(object)).fillna("-")) == ["III", "IV", "I", "-", "-", "I"]
    assert list(got.categories) == ["I", "III", "IV"]  # sorted: same order as the strings
    for mixed in (pd.Series([1, 1.0, True, "1"]), pd.Series([2, 1])):
        assert list(sv._map_values(mixed, str)) == [str(v) for v in mixed.astype(object)]
    assert np.isnan(sv._normalise_code(pd.Series(["x", None]), sv._SEX_CODES)).all()


def test_event_conversion_per_distinct_value():
    events = pd.Series([True, False, None, 1, 0.0, "1", pd.NA, np.nan], dtype=object)
    npt.assert_array_equal(
        sv._event_to_float(events), [1.0, 0.0, np.nan, 1.0, 0.0, 1.0, np.nan, np.nan]
    )
    with pytest.raises(ValueError, match="got 'dead'"):
        sv._event_to_float(pd.Series([1, "dead", 2], dtype=object))
    with pytest.raises(ValueError, match=r"got np.float64\(2.0\)"):
        sv._event_to_float(pd.Series([1, 2, 3]))
    with pytest.raises(ValueError, match="patient_id"):
        sv.km_medians(pd.concat([_synthetic(), _synthetic().iloc[[5]]]))

"""The survival layer inside `dbt build`, on the built-in demo study.

One build of the demo (shared with tests/test_report.py through :func:`demo_warehouse`) is
checked against an independent computation: the comparison groups are re-derived in pandas
from marts.fct_patient_genomics (not from the seed SQL or fct_survival_cohorts) and lifelines
is run on them directly (not through her2lung.survival). Also checked: the issue's columns,
unknown vital status excluded (never censored), patients not profiled left out, the
underpowered flag, and var min_group_size reaching the dbt Python models.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test
from lifelines.utils import median_survival_times
from shared_builds import built_once

from her2lung.demo import write_demo_studies
from her2lung.warehouse import project_dir, run_dbt

ISSUE_COLUMNS = {
    "km_curves": [
        "comparison",
        "group_label",
        "time_months",
        "survival",
        "ci_low",
        "ci_high",
        "n_at_risk",
        "n_events",
    ],
    "km_medians": [
        "comparison",
        "group_label",
        "n",
        "n_events",
        "median_months",
        "ci_low",
        "ci_high",
        "is_underpowered",
    ],
    "logrank": ["comparison", "n", "statistic", "df", "p_value", "is_underpowered"],
    "cox": [
        "comparison",
        "model",
        "term",
        "hazard_ratio",
        "ci_low",
        "ci_high",
        "p_value",
        "n",
        "n_events",
        "ph_test_p_value",
        "is_underpowered",
        "note",
    ],
}
SEED = project_dir() / "seeds" / "survival_comparisons.csv"
EXPRESSION_BY_SMOKING = "erbb2_expression_by_smoking"
NEVER_SMOKERS = "erbb2_expression_never_smokers"


@dataclass(frozen=True)
class DemoWarehouse:
    studies_dir: Path
    db_path: Path
    target_path: Path


def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> DemoWarehouse:
    """Write the demo studies and `dbt build` them once per test session, across workers
    (test_report.py, which imports this function, reads the same build; shared_builds.py)."""

    def build(root: Path) -> None:
        write_demo_studies(root / "studies")
        result = run_dbt(
            ["build"],
            studies_dir=root / "studies",
            db_path=root / "her2lung.duckdb",
            target_path=root / "target",
        )
        assert result.ok, result.stdout[-5000:] + "\n" + str(result.failures())

    root = built_once("survival_demo", tmp_path_factory, build)
    return DemoWarehouse(root / "studies", root / "her2lung.duckdb", root / "target")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> DemoWarehouse:
    return demo_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def con(warehouse):
    connection = duckdb.connect(str(warehouse.db_path), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def patients(con) -> pd.DataFrame:
    """LUAD patients of the patient mart (the default population)."""
    return con.sql("select * from marts.fct_patient_genomics where is_luad").df()


def _known(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["os_event"].notna() & frame["os_months"].notna()]


def expression_by_smoking(patients: pd.DataFrame) -> pd.DataFrame:
    """The four ERBB2 expression x never-smoker groups, derived in pandas."""
    frame = patients[
        patients["has_erbb2_high_expression"].notna() & patients["is_never_smoker"].notna()
    ].copy()
    high = np.where(frame["has_erbb2_high_expression"].astype(bool), "ERBB2-high", "not high")
    smoker = np.where(frame["is_never_smoker"].astype(bool), "never-smoker", "ever-smoker")
    frame["group_label"] = [f"{h}, {s}" for h, s in zip(high, smoker, strict=True)]
    return frame


def erbb2_altered_all(patients: pd.DataFrame) -> pd.DataFrame:
    frame = patients[patients["has_erbb2_alteration"].notna()].copy()
    frame["group_label"] = np.where(
        frame["has_erbb2_alteration"].astype(bool), "ERBB2 altered", "unaltered"
    )
    return frame


def _table(con, name: str, comparison: str | None = None) -> pd.DataFrame:
    sql = f"select * from analysis.{name}"
    if comparison is None:
        return con.sql(sql).df()
    return con.execute(sql + " where comparison = ?", [comparison]).df()


# ----------------------------------------------------------------------------- shape


def test_analysis_tables_have_the_issue_columns(con):
    for table, columns in ISSUE_COLUMNS.items():
        described = con.sql(f"describe analysis.{table}").df()
        assert described["column_name"].tolist() == columns, table
        types = dict(zip(described["column_name"], described["column_type"], strict=True))
        assert types["comparison"] == "VARCHAR"
        if "is_underpowered" in types:
            assert types["is_underpowered"] == "BOOLEAN"
        if "n" in types:
            assert types["n"] == "BIGINT"


def test_every_seed_comparison_is_computed(con):
    seed = pd.read_csv(SEED)
    assert len(seed) >= 8
    mart = set(
        con.sql("select distinct comparison from marts.fct_survival_cohorts").df()["comparison"]
    )
    medians = set(_table(con, "km_medians")["comparison"])
    tests = set(_table(con, "logrank")["comparison"])
    assert mart == medians == tests == set(seed["comparison"])


def test_survival_settings_record_the_build(con, warehouse):
    info = con.sql("select * from analysis.survival_settings").df()
    assert len(info) == 1
    row = info.iloc[0]
    assert Path(row["studies_dir"]) == warehouse.studies_dir.resolve()
    assert row["population"] == "luad"
    assert row["min_group_size"] == 10


# ----------------------------------------------------------------------------- groups


def test_cohort_mart_applies_population_and_leaves_out_not_profiled(con, patients):
    mart = con.sql("select * from marts.fct_survival_cohorts").df()
    luad = set(zip(patients["study_id"], patients["patient_id"], strict=True))
    assert set(zip(mart["study_id"], mart["patient_id"], strict=True)) <= luad

    altered = mart[mart["comparison"] == "erbb2_altered_all"]
    expected = erbb2_altered_all(patients)
    assert len(altered) == len(expected)
    not_profiled = patients[patients["has_erbb2_alteration"].isna()]
    assert len(not_profiled) > 0
    assert not set(not_profiled["patient_id"]) & set(altered["patient_id"])

    groups = mart[mart["comparison"] == EXPRESSION_BY_SMOKING]
    expected = expression_by_smoking(patients)
    pd.testing.assert_series_equal(
        groups["group_label"].value_counts().sort_index(),
        expected["group_label"].value_counts().sort_index(),
        check_names=False,
    )


def test_unknown_vital_status_is_excluded_not_censored(con, patients):
    """Patients with unknown OS status stay in fct_survival_cohorts (has_known_os = false) but
    are not counted in n, n_at_risk or the fit: censoring them would change the numbers."""
    groups = expression_by_smoking(patients)
    unknown = groups[groups["os_event"].isna()]
    assert len(unknown) > 0, "the demo should plant patients with unknown vital status"

    mart = con.execute(
        "select group_label, count(*) filter (where not has_known_os) as unknown "
        "from marts.fct_survival_cohorts where comparison = ? group by all",
        [EXPRESSION_BY_SMOKING],
    ).df()
    assert mart["unknown"].sum() == len(groups) - len(_known(groups))

    medians = _table(con, "km_medians", EXPRESSION_BY_SMOKING).set_index("group_label")
    curves = _table(con, "km_curves", EXPRESSION_BY_SMOKING)
    for label, group in groups.groupby("group_label"):
        known = _known(group)
        assert medians.loc[label, "n"] == len(known)
        assert medians.loc[label, "n_events"] == int(known["os_event"].sum())
        start = curves[(curves["group_label"] == label) & (curves["time_months"] == 0)]
        assert int(start["n_at_risk"].iloc[0]) == len(known)

    # Treating unknown status as censored would give another curve for a group with unknowns.
    label = unknown["group_label"].iloc[0]
    group = groups[(groups["group_label"] == label) & groups["os_months"].notna()]
    censored = KaplanMeierFitter().fit(group["os_months"], group["os_event"].fillna(False))
    assert medians.loc[label, "n"] < len(group)
    assert censored.event_table["at_risk"].iloc[0] != medians.loc[label, "n"]


def test_underpowered_flag_and_no_p_value(con):
    medians = _table(con, "km_medians")
    assert (medians["is_underpowered"] == (medians["n"] < 10)).all()
    kras = medians[medians["comparison"] == "erbb2_altered_kras"].set_index("group_label")
    assert kras.loc["ERBB2 altered", "n"] < 10
    assert bool(kras.loc["ERBB2 altered", "is_underpowered"])

    tests = _table(con, "logrank").set_index("comparison")
    underpowered = tests[tests["is_underpowered"]]
    assert "erbb2_altered_kras" in underpowered.index
    assert underpowered["p_value"].isna().all() and underpowered["statistic"].isna().all()
    assert tests.loc[EXPRESSION_BY_SMOKING, "p_value"] > 0

    cox = _table(con, "cox", "erbb2_altered_kras")
    assert cox["is_underpowered"].all() and cox["hazard_ratio"].isna().all()
    assert cox["note"].str.contains("underpowered").all()


# ----------------------------------------------------------------------------- numbers


def test_km_medians_equal_lifelines_on_the_patient_mart(con, patients):
    for comparison, groups in (
        (EXPRESSION_BY_SMOKING, expression_by_smoking(patients)),
        ("erbb2_altered_all", erbb2_altered_all(patients)),
    ):
        medians = _table(con, "km_medians", comparison).set_index("group_label")
        assert set(medians.index) == set(groups["group_label"])
        for label, group in groups.groupby("group_label"):
            known = _known(group)
            kmf = KaplanMeierFitter().fit(known["os_months"], known["os_event"].astype(bool))
            interval = median_survival_times(kmf.confidence_interval_)
            row = medians.loc[label]
            expected = kmf.median_survival_time_
            if np.isinf(expected):
                assert pd.isna(row["median_months"])
            else:
                assert row["median_months"] == pytest.approx(expected)
            for column, value in (
                ("ci_low", interval.iloc[0, 0]),
                ("ci_high", interval.iloc[0, 1]),
            ):
                if np.isinf(value):
                    assert pd.isna(row[column])
                else:
                    assert row[column] == pytest.approx(value)


def test_km_curve_equals_lifelines(con, patients):
    groups = expression_by_smoking(patients)
    known = _known(groups[groups["group_label"] == "ERBB2-high, never-smoker"])
    kmf = KaplanMeierFitter().fit(known["os_months"], known["os_event"].astype(bool))
    curve = _table(con, "km_curves", EXPRESSION_BY_SMOKING)
    curve = curve[curve["group_label"] == "ERBB2-high, never-smoker"].set_index("time_months")
    expected = kmf.survival_function_.iloc[:, 0]
    assert list(curve.index) == pytest.approx(list(expected.index))
    np.testing.assert_allclose(curve["survival"], expected.to_numpy())
    np.testing.assert_allclose(curve["ci_low"], kmf.confidence_interval_.iloc[:, 0].to_numpy())
    np.testing.assert_array_equal(
        curve["n_at_risk"].to_numpy(dtype=float),
        kmf.event_table["at_risk"].reindex(expected.index).to_numpy(dtype=float),
    )


def test_logrank_equals_lifelines_on_the_patient_mart(con, patients):
    tests = _table(con, "logrank").set_index("comparison")
    for comparison, groups in (
        (EXPRESSION_BY_SMOKING, expression_by_smoking(patients)),
        ("erbb2_altered_all", erbb2_altered_all(patients)),
    ):
        known = _known(groups)
        expected = multivariate_logrank_test(
            known["os_months"], known["group_label"], known["os_event"].astype(bool)
        )
        row = tests.loc[comparison]
        assert row["n"] == len(known)
        assert row["df"] == known["group_label"].nunique() - 1
        assert row["statistic"] == pytest.approx(expected.test_statistic)
        assert row["p_value"] == pytest.approx(expected.p_value)
        assert not row["is_underpowered"]


def test_unadjusted_cox_equals_lifelines_on_the_patient_mart(con, patients):
    groups = expression_by_smoking(patients)
    never = _known(groups[groups["group_label"].str.endswith("never-smoker")]).copy()
    never["high"] = (never["group_label"] == "ERBB2-high, never-smoker").astype(float)
    never["event"] = never["os_event"].astype(float)
    cph = CoxPHFitter().fit(never[["os_months", "event", "high"]], "os_months", "event")
    expected = cph.summary.loc["high"]

    cox = _table(con, "cox", NEVER_SMOKERS)
    row = cox[(cox["model"] == "unadjusted")].iloc[0]
    assert row["term"] == "group_label: ERBB2-high vs not high"
    assert row["n"] == len(never)
    assert row["hazard_ratio"] == pytest.approx(expected["exp(coef)"], rel=1e-6)
    assert row["ci_low"] == pytest.approx(expected["exp(coef) lower 95%"], rel=1e-6)
    assert row["ci_high"] == pytest.approx(expected["exp(coef) upper 95%"], rel=1e-6)
    assert row["p_value"] == pytest.approx(expected["p"], rel=1e-6)
    assert 0 <= row["ph_test_p_value"] <= 1


def test_adjusted_cox_leaves_out_the_covariate_defining_the_groups(con):
    cox = _table(con, "cox", EXPRESSION_BY_SMOKING)
    adjusted = cox[cox["model"] == "adjusted"]
    assert adjusted["hazard_ratio"].notna().all(), adjusted["note"].iloc[0]
    assert not adjusted["term"].str.startswith("smoking_status").any()
    assert adjusted["term"].str.startswith("stage").any()
    assert adjusted["note"].str.contains("smoking_status left out").all()
    assert set(cox["model"]) == {"unadjusted", "adjusted"}


def test_min_group_size_var_reaches_the_python_models(warehouse, tmp_path):
    """Re-run the analysis models on a copy with min_group_size = 30: the ERBB2-high
    never-smoker group (26 patients in the demo) becomes underpowered."""
    db_copy = tmp_path / "copy.duckdb"
    shutil.copy(warehouse.db_path, db_copy)
    result = run_dbt(
        ["run", "-s", "km_medians", "logrank"],
        studies_dir=warehouse.studies_dir,
        db_path=db_copy,
        dbt_vars={"min_group_size": 30},
        target_path=tmp_path / "target",
    )
    assert result.ok, result.stdout[-3000:]
    with duckdb.connect(str(db_copy), read_only=True) as copy:
        medians = copy.execute(
            "select * from analysis.km_medians where comparison = ?", [NEVER_SMOKERS]
        ).df()
        tests = copy.execute(
            "select * from analysis.logrank where comparison = ?", [NEVER_SMOKERS]
        ).df()
    high = medians.set_index("group_label").loc["ERBB2-high"]
    assert high["n"] < 30 and bool(high["is_underpowered"])
    assert bool(tests["is_underpowered"].iloc[0]) and pd.isna(tests["p_value"].iloc[0])

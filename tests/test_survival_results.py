"""Tests for her2lung.survival_results: the four survival tables of the dbt analysis models
come from one survival.run_all per input, never from another input's run."""

from __future__ import annotations

import threading

import duckdb
import numpy as np
import pandas as pd
import pytest

from her2lung import survival, survival_results

RUN_ALL = survival.run_all  # the real one: the `runs` fixture counts calls through the module
SEED = pd.DataFrame(
    {
        "comparison": ["erbb2_altered", "erbb2_never_smokers"],
        "group_expression": ["...", "..."],
        "reference_group": ["unaltered", "no such group"],
        "adjust_for": [None, "age_at_diagnosis, stage"],
    }
)


def _cohorts(seed: int = 8534) -> pd.DataFrame:
    """fct_survival_cohorts-shaped rows: two comparisons over two studies."""
    rng = np.random.default_rng(seed)
    frames = []
    for comparison, labels in (
        ("erbb2_altered", ("ERBB2 altered", "unaltered")),
        ("erbb2_never_smokers", ("high", "not high")),
    ):
        n = 120
        event_time = rng.exponential(20.0, n)
        censor_time = rng.uniform(2.0, 60.0, n)
        frames.append(
            pd.DataFrame(
                {
                    "comparison": comparison,
                    "group_label": rng.choice(labels, n),
                    # the same patient id in two studies is two patients
                    "patient_id": [f"P{i % 60:03d}" for i in range(n)],
                    "study_id": np.where(np.arange(n) < 60, "study_a", "study_b"),
                    "os_months": np.minimum(event_time, censor_time).round(1),
                    "os_event": np.where(
                        rng.uniform(size=n) < 0.1, None, event_time <= censor_time
                    ),
                    "has_known_os": True,
                    "entry_months": np.nan,
                    "age_at_diagnosis": rng.normal(65.0, 8.0, n).round(),
                    "sex": rng.choice(["Female", "Male"], n),
                    "stage": rng.choice(["Stage IA", "Stage IIB", "Stage III", "Stage IV"], n),
                    "smoking_status": rng.choice(["never", "former", "current"], n),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _expected(cohorts: pd.DataFrame, min_group_size: int) -> dict[str, pd.DataFrame]:
    """run_all called by hand with the seed's settings (as the models did one by one)."""
    frame = cohorts.assign(patient_id=cohorts["study_id"] + "/" + cohorts["patient_id"])
    tables = RUN_ALL(
        frame,
        min_group_size=min_group_size,
        reference_group={"erbb2_altered": "unaltered"},
        adjust_for={
            "erbb2_altered": survival_results.COVARIATES,
            "erbb2_never_smokers": ("age_at_diagnosis", "stage"),
        },
    )
    cox = tables["cox"]
    rows = cox["comparison"] == "erbb2_never_smokers"
    cox.loc[rows, "note"] = (
        cox.loc[rows, "note"] + "; reference_group 'no such group' has no patients; "
        "default reference used"
    )
    return tables


class _FrameRelation:
    """A relation that can only be loaded (as the Spark runner's dbt.ref gives)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame

    def df(self) -> pd.DataFrame:
        return self.frame.copy()


@pytest.fixture()
def con():
    with duckdb.connect() as connection:
        connection.register("cohorts_frame", _cohorts())
        connection.execute("create table cohorts as select * from cohorts_frame")
        connection.register("seed_frame", SEED)
        connection.execute("create table seed as select * from seed_frame")
        yield connection


@pytest.fixture()
def runs(monkeypatch):
    """Counts survival.run_all calls; starts every test with nothing kept."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(1)
        return RUN_ALL(*args, **kwargs)

    monkeypatch.setattr(survival, "run_all", counted)
    monkeypatch.setitem(survival_results._latest, "key", None)
    monkeypatch.setitem(survival_results._latest, "tables", None)
    return calls


def _tables(cohorts, seed, min_group_size=10) -> dict[str, pd.DataFrame]:
    return {
        name: survival_results.table(name, cohorts, seed, min_group_size)
        for name in survival_results.TABLES
    }


def test_four_tables_from_one_run_equal_run_all_with_the_seed_settings(con, runs):
    tables = _tables(con.table("cohorts"), con.table("seed"))
    assert len(runs) == 1
    expected = _expected(con.table("cohorts").df(), 10)
    for name in survival_results.TABLES:
        pd.testing.assert_frame_equal(tables[name], expected[name])
    cox = tables["cox"]
    adjusted = cox[(cox["comparison"] == "erbb2_never_smokers") & (cox["model"] == "adjusted")]
    assert adjusted["note"].str.contains("sex left out (adjust_for)", regex=False).all()
    assert cox[cox["comparison"] == "erbb2_altered"]["term"].str.endswith("vs unaltered").any()


def test_changed_content_or_setting_is_computed_afresh(con, runs):
    before = _tables(con.table("cohorts"), con.table("seed"))
    con.execute(
        "update cohorts set os_months = os_months + 1 "
        "where comparison = 'erbb2_altered' and patient_id = 'P001'"
    )
    after = _tables(con.table("cohorts"), con.table("seed"))
    assert len(runs) == 2
    expected = _expected(con.table("cohorts").df(), 10)
    pd.testing.assert_frame_equal(after["km_curves"], expected["km_curves"])
    assert not after["km_curves"].equals(before["km_curves"])

    stricter = _tables(con.table("cohorts"), con.table("seed"), min_group_size=100)
    assert len(runs) == 3
    assert stricter["logrank"]["is_underpowered"].all()

    con.execute("update seed set adjust_for = 'sex' where comparison = 'erbb2_altered'")
    _tables(con.table("cohorts"), con.table("seed"), min_group_size=100)
    assert len(runs) == 4


def test_a_loaded_frame_relation_is_keyed_by_its_content(con, runs):
    frame = con.table("cohorts").df()
    seed = _FrameRelation(SEED)
    tables = _tables(_FrameRelation(frame), seed)
    _tables(_FrameRelation(frame.copy()), seed)
    assert len(runs) == 1
    expected = _expected(frame, 10)
    for name in survival_results.TABLES:
        pd.testing.assert_frame_equal(tables[name], expected[name])
    swapped = frame.copy()
    # the same values in other rows: every column's multiset is unchanged
    swapped.loc[[0, 1], "os_months"] = swapped.loc[[1, 0], "os_months"].to_numpy()
    if swapped["os_months"].equals(frame["os_months"]):
        pytest.fail("fixture rows 0 and 1 must have different times")
    _tables(_FrameRelation(swapped), seed)
    assert len(runs) == 2


def test_threads_asking_at_once_share_one_run(tmp_path, runs):
    database = tmp_path / "w.duckdb"
    with duckdb.connect(database) as setup:
        setup.register("cohorts_frame", _cohorts(seed=3))
        setup.execute("create table cohorts as select * from cohorts_frame")
        setup.register("seed_frame", SEED)
        setup.execute("create table seed as select * from seed_frame")
    with duckdb.connect(database) as shared:
        results: dict[str, pd.DataFrame] = {}

        def ask(name):
            cursor = shared.cursor()  # one cursor per thread, as dbt's worker threads have
            results[name] = survival_results.table(
                name, cursor.query("select * from cohorts"), cursor.query("select * from seed"), 10
            )

        threads = [threading.Thread(target=ask, args=(name,)) for name in survival_results.TABLES]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        expected = _expected(shared.table("cohorts").df(), 10)
    assert len(runs) == 1
    for name in survival_results.TABLES:
        pd.testing.assert_frame_equal(results[name], expected[name])


def test_unknown_seed_covariate_names_the_seed(con, runs):
    con.execute(
        "update seed set adjust_for = 'age_at_diagnosis, ecog' where comparison = 'erbb2_altered'"
    )
    with pytest.raises(
        ValueError, match=r"survival_comparisons.adjust_for of 'erbb2_altered'.*ecog"
    ):
        survival_results.table("cox", con.table("cohorts"), con.table("seed"), 10)
    with pytest.raises(ValueError, match="unknown survival table"):
        survival_results.table("forest_plot", con.table("cohorts"), con.table("seed"), 10)
    assert runs == []

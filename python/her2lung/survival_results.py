"""The four survival result tables as the dbt analysis models compute them.

km_curves, km_medians, logrank and cox each ask :func:`table` for their own table. The first
to ask loads fct_survival_cohorts, reads the survival_comparisons seed and runs
:func:`her2lung.survival.run_all` once: one validation and split of the analysis set, and
Kaplan-Meier fits shared by the curves, the medians and the log-rank tests. The others take
their table from that run instead of loading the mart and splitting it again (at GENIE scale
the four models took 25-30 s of node time one by one; run_all takes about 4 s).

A run is kept under a key of its input: the mart's columns and content (row count and two
64-bit row-hash sums; DuckDB computes them in well under a second, other engines hash the
loaded frame) and the settings (min_group_size, the seed's reference groups and covariates).
So a model never gets results of other input: a rebuilt mart, another database, another
setting all compute afresh. Only the latest run is kept. Builds run the models in worker
threads; a lock makes the others wait for the first instead of computing the same run.

The seed's settings per comparison:

* ``reference_group``: the Cox reference group when that group has patients, else
  survival.py's default (noted on the comparison's Cox rows);
* ``adjust_for``: the adjusted Cox model's candidate covariates, separated by commas or
  spaces; empty means all of :data:`COVARIATES`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

import duckdb
import pandas as pd

from her2lung import survival

COVARIATES = ("age_at_diagnosis", "sex", "stage", "smoking_status")
TABLES = ("km_curves", "km_medians", "logrank", "cox")

_LOCK = threading.Lock()
_latest: dict = {"key": None, "tables": None}


def table(name: str, cohorts, comparisons, min_group_size: int) -> pd.DataFrame:
    """Result table ``name`` (one of :data:`TABLES`) of fct_survival_cohorts ``cohorts`` with
    the survival_comparisons seed ``comparisons`` (both relations from ``dbt.ref``)."""
    if name not in TABLES:
        raise ValueError(f"unknown survival table {name!r}; expected one of {TABLES}")
    seed = comparisons.df()
    settings = _settings(seed)
    content, loaded = _content_key(cohorts)
    key = (content, int(min_group_size), settings)
    with _LOCK:
        if _latest["key"] != key:
            _latest["key"], _latest["tables"] = None, None  # never keep a half-made run
            frame = cohorts.df() if loaded is None else loaded
            _latest["tables"] = _run(frame, int(min_group_size), settings)
            _latest["key"] = key
        return _latest["tables"][name].copy()


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def _settings(seed: pd.DataFrame) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(comparison, reference_group, adjust_for covariates) per seed row, validated."""
    settings = []
    for row in seed.itertuples(index=False):
        comparison = _text(row.comparison)
        names = [name for name in re.split(r"[\s,]+", _text(row.adjust_for)) if name]
        unknown = sorted(set(names) - set(COVARIATES))
        if unknown:
            raise ValueError(
                f"survival_comparisons.adjust_for of {comparison!r}: unknown covariate(s) "
                f"{unknown}; choose from {list(COVARIATES)}"
            )
        covariates = tuple(name for name in COVARIATES if name in names) if names else COVARIATES
        settings.append((comparison, _text(row.reference_group), covariates))
    return tuple(sorted(settings))


def _content_key(relation) -> tuple[tuple, pd.DataFrame | None]:
    """Columns, row count and two row-hash sums of a table: equal keys mean equal content
    (up to a 128-bit hash collision). DuckDB hashes the table itself; another relation is
    loaded to be hashed, and the loaded frame is returned too (else None)."""
    if isinstance(relation, duckdb.DuckDBPyRelation):
        n, first, second = relation.aggregate(
            "count(*), sum(hash(*COLUMNS(*))), sum(hash(*COLUMNS(*), 'her2lung'))"
        ).fetchone()
        return (tuple(relation.columns), tuple(map(str, relation.types)), n, first, second), None
    frame = relation.df()
    hashes = pd.util.hash_pandas_object(frame, index=False)
    salted = pd.util.hash_pandas_object(frame, index=False, hash_key="her2lung_results")
    columns = tuple(frame.columns), tuple(map(str, frame.dtypes))
    return (*columns, len(frame), int(hashes.sum()), int(salted.sum())), frame


def _run(cohorts: pd.DataFrame, min_group_size: int, settings: tuple) -> Mapping[str, pd.DataFrame]:
    # The mart's grain is (comparison, study_id, patient_id); survival.py checks
    # (comparison, patient_id), so the patient key is made study-qualified.
    cohorts["patient_id"] = cohorts["study_id"] + "/" + cohorts["patient_id"]
    labels = cohorts.groupby("comparison")["group_label"].unique()
    present = {comparison: set(values) for comparison, values in labels.items()}
    reference, missing = {}, {}
    for comparison, wanted, _ in settings:
        if wanted and wanted in present.get(comparison, ()):
            reference[comparison] = wanted
        elif wanted:
            missing[comparison] = wanted
    tables = survival.run_all(
        cohorts,
        min_group_size=min_group_size,
        reference_group=reference,
        adjust_for={comparison: covariates for comparison, _, covariates in settings},
    )
    cox = tables["cox"]
    for comparison, wanted in missing.items():
        rows = cox["comparison"] == comparison
        message = f"reference_group {wanted!r} has no patients; default reference used"
        cox.loc[rows, "note"] = [
            message if pd.isna(note) else f"{note}; {message}" for note in cox.loc[rows, "note"]
        ]
    return tables

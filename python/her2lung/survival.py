"""Survival statistics for HER2/ERBB2 comparison groups.

Thin, pure functions in lifelines' idiom: each takes the long comparison-group
DataFrame built upstream in SQL and returns a new DataFrame. Nothing is printed,
read or written, and no global state is kept.

Input: one row per (comparison, patient)
----------------------------------------
comparison, group_label
    Required, never null; cast to Python ``str``.
os_months
    Required. Overall-survival time in months from diagnosis.
os_event
    Required. 1 / True = death, 0 / False = censored, NaN / None / pd.NA =
    unknown vital status. Any other value raises ``ValueError``.
patient_id
    Optional. If present, (comparison, patient_id) must be unique.
study_id
    Optional. When a Cox model's rows come from more than one study, the model
    is fitted with ``strata=["study_id"]`` (a null study_id is its own stratum).
entry_months
    Optional. Left-truncation (delayed entry) time in months from diagnosis,
    e.g. time to the sequenced sample. NaN means no delayed entry (at risk from 0).
age_at_diagnosis, sex, stage, smoking_status
    Optional adjustment covariates for the adjusted Cox model (see :func:`cox`).

Analysis set (the same for every function)
-------------------------------------------
A row is excluded when

* ``os_event`` is unknown -- unknown status is never treated as censored;
* ``os_months`` is missing or negative;
* ``entry_months`` is negative or greater than ``os_months``.

A comparison *uses delayed entry* when any of its remaining rows has
``entry_months > 0``. Then NaN entry is read as 0, rows whose at-risk window
(entry, os] is empty (``entry_months == os_months``) are dropped as R's
``Surv(start, stop)`` and lifelines' ``CoxPHFitter(entry_col=...)`` require, and
entry is passed to ``KaplanMeierFitter.fit(entry=...)`` and
``CoxPHFitter.fit(entry_col=...)``.

Groups
------
The groups of a comparison are all labels present in the input, so a group whose
rows were all excluded still appears, with n = 0. A group is *underpowered* when
it has fewer than ``min_group_size`` analysable patients (and always when it has
none). A comparison is underpowered when any group is, or when fewer than two
groups have data; its log-rank and Cox p-values are NaN (the rows stay, with n).

Computation
-----------
:func:`run_all` validates and sorts the analysis set once and shares it, and the
Kaplan-Meier fits, between the four results. Kaplan-Meier and the log-rank test are fitted
on the distinct (group, time, event[, entry]) rows with their counts as lifelines case
weights -- exactly the same event tables, so the same numbers, as on every row. Cox models
are lifelines' ``CoxPHFitter`` with the Efron sums of its Newton-Raphson steps and the
Schoenfeld residuals of the ph test computed with numpy (equal to rounding; see the Cox
section). 250,000 patients in two comparisons take a few seconds.

Output conventions
------------------
Numbers are float64 (counts included, so NaN can mark missing), labels are
Python ``str``, missing is NaN, ``is_underpowered`` is bool. Rows are sorted by
comparison, then group_label / model / term, then time.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from lifelines import CoxPHFitter, KaplanMeierFitter
from lifelines import utils as lifelines_utils
from lifelines.exceptions import ConvergenceError, ConvergenceWarning, StatisticalWarning
from lifelines.fitters.coxph_fitter import SemiParametricPHFitter
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import median_survival_times
from scipy import sparse, stats

__all__ = [
    "COX_COLUMNS",
    "DEFAULT_MIN_COVARIATE_FRACTION",
    "DEFAULT_MIN_GROUP_SIZE",
    "KM_CURVES_COLUMNS",
    "KM_MEDIANS_COLUMNS",
    "LOGRANK_COLUMNS",
    "REFERENCE_PREFIXES",
    "choose_reference_group",
    "collapse_stage",
    "cox",
    "km_curves",
    "km_medians",
    "logrank",
    "run_all",
]

DEFAULT_MIN_GROUP_SIZE = 10
DEFAULT_MIN_COVARIATE_FRACTION = 0.5

#: Labels starting with one of these (case-insensitive) read as the comparator group.
REFERENCE_PREFIXES = ("not ", "neither", "unaltered", "other")

KM_CURVES_COLUMNS = (
    "comparison",
    "group_label",
    "time_months",
    "survival",
    "ci_low",
    "ci_high",
    "n_at_risk",
    "n_events",
)
KM_MEDIANS_COLUMNS = (
    "comparison",
    "group_label",
    "n",
    "n_events",
    "median_months",
    "ci_low",
    "ci_high",
    "is_underpowered",
)
LOGRANK_COLUMNS = (
    "comparison",
    "n",
    "n_groups",
    "statistic",
    "df",
    "p_value",
    "is_underpowered",
)
COX_COLUMNS = (
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
)

_REQUIRED_COLUMNS = ("comparison", "group_label", "os_months", "os_event")
_LABEL_COLUMNS = frozenset({"comparison", "group_label", "model", "term", "note"})
_MODELS = ("unadjusted", "adjusted")
_MISSING_STUDY = "<missing study_id>"

# Adjustment covariates: output name -> ordered levels (first present level is the
# reference); None marks a continuous covariate.
_COVARIATE_LEVELS: dict[str, tuple[str, ...] | None] = {
    "age_at_diagnosis": None,
    "sex": ("female", "male"),
    "stage": ("I", "II", "III", "IV"),
    "smoking_status": ("never", "former", "current"),
}
_SEX_CODES = {"female": "female", "f": "female", "male": "male", "m": "male"}
_SMOKING_CODES = {"never": "never", "former": "former", "current": "current"}
_STAGE_PATTERN = re.compile(r"^(?:STAGE\s*)?(IV|III|II|I|[1-4])(?:[ABC][0-9]?)?$")
_ARABIC_STAGE = {"1": "I", "2": "II", "3": "III", "4": "IV"}


# --------------------------------------------------------------------------- public API


def km_curves(df: pd.DataFrame) -> pd.DataFrame:
    """Kaplan-Meier curves, one row per time point of each group's lifelines fit.

    Rows come from ``KaplanMeierFitter`` fitted per (comparison, group_label) on
    the analysis set: ``survival_function_``, ``confidence_interval_`` (default
    exponential Greenwood, i.e. log(-log), 95%) and ``event_table`` (``at_risk``,
    ``observed``). The timeline holds time 0 and every event/censoring time (and,
    with delayed entry, every entry time). With delayed entry lifelines' timeline
    starts at the first entry; a time-0 row (survival 1, n_at_risk 0) is then
    prepended so every curve starts at 0. Groups without data have no rows.

    Columns: comparison, group_label, time_months, survival, ci_low, ci_high,
    n_at_risk, n_events.
    """
    return _km_curves(_split(df))


def km_medians(df: pd.DataFrame, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> pd.DataFrame:
    """Kaplan-Meier median overall survival per group, with its 95% CI.

    ``median_months`` is ``KaplanMeierFitter.median_survival_time_``; the CI is
    ``lifelines.utils.median_survival_times(confidence_interval_)`` (where the
    lower/upper pointwise bands cross 0.5). Not reached (inf) is NaN. Groups
    without data have n = 0 and NaN estimates.

    Columns: comparison, group_label, n, n_events, median_months, ci_low,
    ci_high, is_underpowered (n < min_group_size).
    """
    _check_min_group_size(min_group_size)
    return _km_medians(_split(df), min_group_size)


def logrank(df: pd.DataFrame, min_group_size: int = DEFAULT_MIN_GROUP_SIZE) -> pd.DataFrame:
    """Log-rank test of equal survival across the groups of each comparison.

    Without delayed entry this is ``lifelines.statistics.multivariate_logrank_test``
    (for two groups identical to ``logrank_test``). lifelines' log-rank tests do
    not accept entry times, so a comparison that uses delayed entry gets the same
    statistic computed over counting-process risk sets (at risk at t when
    entry < t <= os), with the hypergeometric variance -- the log-rank that R's
    ``coxph(Surv(entry, os, event) ~ group)`` score test gives when there are no
    tied event times. The test is not stratified by study.

    Underpowered comparisons (see module docstring) get NaN statistic and p_value.

    Columns: comparison, n, n_groups (groups with data), statistic, df, p_value,
    is_underpowered.
    """
    _check_min_group_size(min_group_size)
    return _logrank(_split(df), min_group_size)


def cox(
    df: pd.DataFrame,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    *,
    reference_group: str | Mapping[str, str] | None = None,
    min_covariate_fraction: float = DEFAULT_MIN_COVARIATE_FRACTION,
    adjust_for: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Cox proportional-hazards models of group membership, unadjusted and adjusted.

    Each comparison gets two ``CoxPHFitter`` models (Efron ties, as R's coxph):

    * ``unadjusted``: indicator columns for each group versus the reference group;
    * ``adjusted``: the same plus the adjustment covariates available for the
      comparison: ``age_at_diagnosis`` (per year), ``sex`` (vs female), ``stage``
      collapsed to I/II/III/IV (vs I, see :func:`collapse_stage`) and
      ``smoking_status`` (never/former/current, vs never; 'unknown' is missing).
      Unrecognised sex/stage/smoking values are missing. A covariate is used when
      its column exists, it is non-null in at least ``min_covariate_fraction`` of
      the comparison's analysis rows and it takes at least two values. Rows missing
      a used covariate are dropped for the adjusted model only (its ``n`` shows
      this); levels or covariates left without variance after that are dropped.
      ``adjust_for`` {comparison: covariate names} narrows a comparison's candidates
      to those named (the others are noted as left out); comparisons it does not name
      consider all four.

    Reference group: ``reference_group`` may be a label (it must exist in every
    comparison) or a mapping {comparison: label}; otherwise
    :func:`choose_reference_group` picks it. Terms read ``"group_label: <label>
    vs <reference>"``, ``"age_at_diagnosis: per year"``, ``"sex: male vs
    female"``, ``"stage: III vs I"``, ``"smoking_status: current vs never"``.

    When a model's rows span more than one study_id it is fitted with
    ``strata=["study_id"]``; delayed entry is passed as ``entry_col``.
    ``ph_test_p_value`` is ``proportional_hazard_test(..., time_transform="rank")``
    per term; lifelines cannot compute it for delayed-entry models (NaN, see note).
    Underpowered models are not fitted (NaN estimates, n and n_events kept). A
    lifelines ``ConvergenceError`` gives NaN estimates with the reason in ``note``;
    lifelines convergence/statistical warnings are recorded in ``note`` too.

    Columns: comparison, model, term, hazard_ratio, ci_low, ci_high, p_value, n,
    n_events, ph_test_p_value, is_underpowered, note.
    """
    _check_min_group_size(min_group_size)
    adjust_for = _check_cox_options(min_covariate_fraction, adjust_for)
    return _cox(_split(df), min_group_size, reference_group, min_covariate_fraction, adjust_for)


def run_all(
    df: pd.DataFrame,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    *,
    reference_group: str | Mapping[str, str] | None = None,
    min_covariate_fraction: float = DEFAULT_MIN_COVARIATE_FRACTION,
    adjust_for: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, pd.DataFrame]:
    """All four results: keys ``km_curves``, ``km_medians``, ``logrank``, ``cox`` (the
    options as in :func:`km_medians`, :func:`logrank` and :func:`cox`)."""
    _check_min_group_size(min_group_size)
    adjust_for = _check_cox_options(min_covariate_fraction, adjust_for)
    comparisons = _split(df)
    counts = [_counts(comp) for comp in comparisons]
    fits = _km_fits(comparisons, counts)
    return {
        "km_curves": _km_curves(comparisons, counts, fits),
        "km_medians": _km_medians(comparisons, min_group_size, counts, fits),
        "logrank": _logrank(comparisons, min_group_size, counts),
        "cox": _cox(
            comparisons, min_group_size, reference_group, min_covariate_fraction, adjust_for
        ),
    }


def choose_reference_group(labels: Iterable[str], sizes: Mapping[str, float]) -> str:
    """The default Cox reference group of a comparison.

    Candidates are the labels that read as a comparator -- starting,
    case-insensitively, with one of :data:`REFERENCE_PREFIXES` ('not ', 'neither',
    'unaltered', 'other') -- or all labels when none does. The reference is the
    candidate with the most analysable patients (``sizes``); ties go to the first
    label in sort order.
    """
    ordered = sorted(set(labels))
    if not ordered:
        raise ValueError("a comparison needs at least one group label")
    comparators = [
        label for label in ordered if label.strip().lower().startswith(REFERENCE_PREFIXES)
    ]
    candidates = comparators or ordered
    # max() keeps the first of equal maxima, i.e. the first label in sort order.
    return max(candidates, key=lambda label: sizes.get(label, 0))


def collapse_stage(value: object) -> str | float:
    """Collapse a stage code to 'I', 'II', 'III' or 'IV'; NaN when not recognised.

    Accepts roman or arabic stage with optional sub-stage and 'Stage' prefix,
    case-insensitively: 'IIIA', 'Stage IVB', 'stage 1a', 'IA2' -> 'III', 'IV',
    'I', 'I'. Anything else ('0', 'occult', 'unknown', TNM strings, null) is NaN.
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return np.nan
    match = _STAGE_PATTERN.match(str(value).strip().upper())
    if match is None:
        return np.nan
    stage = match.group(1)
    return _ARABIC_STAGE.get(stage, stage)


# --------------------------------------------------------------------------- preparation


@dataclass(frozen=True)
class _Comparison:
    """One comparison's analysis set (columns: group_label, time, event, entry, ...)."""

    name: str
    labels: tuple[str, ...]
    data: pd.DataFrame
    uses_entry: bool
    covariates_present: frozenset[str] = field(default_factory=frozenset)

    def sizes(self, data: pd.DataFrame | None = None) -> dict[str, int]:
        counts = (self.data if data is None else data)["group_label"].value_counts()
        return {label: int(counts.get(label, 0)) for label in self.labels}


def _check_min_group_size(min_group_size: int) -> None:
    if isinstance(min_group_size, bool) or not isinstance(min_group_size, (int, np.integer)):
        raise TypeError(f"min_group_size must be an int, got {min_group_size!r}")
    if min_group_size < 0:
        raise ValueError(f"min_group_size must be >= 0, got {min_group_size}")


def _check_cox_options(
    min_covariate_fraction: float, adjust_for: Mapping[str, Iterable[str]] | None
) -> dict[str, frozenset[str]] | None:
    """Validate the Cox options; return adjust_for as {comparison: frozenset of names}."""
    if not 0.0 <= min_covariate_fraction <= 1.0:
        raise ValueError(f"min_covariate_fraction must be in [0, 1], got {min_covariate_fraction}")
    if adjust_for is None:
        return None
    if not isinstance(adjust_for, Mapping):
        raise TypeError("adjust_for must be None or a mapping {comparison: covariate names}")
    checked = {}
    for comparison, names in adjust_for.items():
        if isinstance(names, str):
            raise TypeError(f"adjust_for[{comparison!r}] must be a collection of names, not a str")
        checked[comparison] = frozenset(names)  # read once: names may be an iterator
        unknown = sorted(checked[comparison] - set(_COVARIATE_LEVELS))
        if unknown:
            raise ValueError(
                f"adjust_for[{comparison!r}]: unknown covariate(s) {unknown}; "
                f"choose from {list(_COVARIATE_LEVELS)}"
            )
    return checked


def _to_float(series: pd.Series, name: str) -> np.ndarray:
    try:
        numeric = pd.to_numeric(series, errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name!r} must be numeric: {exc}") from exc
    return pd.Series(numeric).to_numpy(dtype="float64", na_value=np.nan)


def _distinct(series: pd.Series) -> tuple[np.ndarray, list[object]] | None:
    """(codes, distinct values) of a column, nulls coded -1; None when not hashable."""
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:
        return None
    return np.asarray(codes), list(uniques)


def _event_value(value: object) -> float:
    if value is None or pd.isna(value):
        return np.nan
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"os_event must be 0/1/True/False or null, got {value!r}") from exc


def _event_to_float(series: pd.Series) -> np.ndarray:
    # Each distinct value is converted once (pd.factorize keeps first-appearance order,
    # so the first bad value reported is the first in row order); values that factorize
    # as equal (1, 1.0, True) convert to the same float.
    distinct = _distinct(series)
    if distinct is None:
        values = np.array([_event_value(value) for value in series.astype(object)], dtype="float64")
    else:
        codes, uniques = distinct
        converted = np.array([_event_value(value) for value in uniques] + [np.nan], dtype="float64")
        values = converted[codes]
    known = values[~np.isnan(values)]
    bad = known[(known != 0.0) & (known != 1.0)]
    if bad.size:
        raise ValueError(f"os_event must be 0/1/True/False or null, got {bad[0]!r}")
    return values


def _check_unique_patients(df: pd.DataFrame, comparison_codes) -> None:
    """(comparison, patient_id) unique over rows with a patient_id, as
    ``df.loc[notna, ["comparison", "patient_id"]].duplicated()`` (which factorizes the
    two columns the same way)."""
    patients = _distinct(df["patient_id"])
    if patients is None or comparison_codes is None:
        keys = df.loc[df["patient_id"].notna(), ["comparison", "patient_id"]]
        duplicated = keys.duplicated().to_numpy()
        rows = np.flatnonzero(df["patient_id"].notna().to_numpy())
    else:
        patient_codes, patient_values = patients
        rows = np.flatnonzero(patient_codes >= 0)
        comparison = comparison_codes[0][rows].astype(np.int64)
        key = comparison * max(len(patient_values), 1) + patient_codes[rows]
        duplicated = pd.Series(key).duplicated().to_numpy()
    if duplicated.any():
        row = rows[np.argmax(duplicated)]
        first = df[["comparison", "patient_id"]].iloc[[row]].iloc[0].tolist()
        raise ValueError(f"more than one row per (comparison, patient_id), e.g. {first}")


def _map_values(
    series: pd.Series,
    function,
    null_result: object = None,
    distinct: tuple[np.ndarray, list[object]] | None = None,
    row_by_row: bool = True,
) -> pd.Categorical | np.ndarray | None:
    """``series.astype(object).map(function)``, calling ``function`` once per distinct value.

    When every distinct non-null value is a ``str`` (pd.factorize then merges only equal
    strings), every result is a str or NaN and, if the column has nulls, ``null_result``
    is given (what ``function`` returns for any null), the result is a Categorical with
    the sorted results as categories -- the values and sort order of the object column,
    with fast comparisons, null checks and sorting. An all-NaN result is float64 NaN, as
    from ``Series.map``. Otherwise the column is mapped row by row (object or float), or
    None is returned if ``row_by_row`` is false.
    """
    if distinct is None:
        distinct = _distinct(series)
    if distinct is not None:
        codes, uniques = distinct
        has_nulls = bool((codes < 0).any())
        if all(type(value) is str for value in uniques) and (
            null_result is not None or not has_nulls
        ):
            mapped = [function(value) for value in uniques] + [null_result]
            used = mapped if has_nulls else mapped[:-1]
            if used and all(isinstance(value, str) or _is_nan(value) for value in used):
                categories = sorted({value for value in used if isinstance(value, str)})
                if not categories:
                    return np.full(len(codes), np.nan)
                position = {category: i for i, category in enumerate(categories)}
                lookup = np.array(
                    [position.get(value, -1) if isinstance(value, str) else -1 for value in mapped]
                )
                return pd.Categorical.from_codes(lookup[codes], categories=categories)
    if not row_by_row:
        return None
    return series.astype(object).map(function).to_numpy()


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and value != value


def _normalise_code(series: pd.Series, codes: Mapping[str, str]) -> pd.Categorical | np.ndarray:
    def normalise(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return np.nan
        return codes.get(str(value).strip().lower(), np.nan)

    return _map_values(series, normalise, null_result=np.nan)


def _split(df: pd.DataFrame) -> list[_Comparison]:
    """Validate the input and return each comparison's analysis set, sorted by name."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [column for column in _REQUIRED_COLUMNS if column not in df.columns]
    if missing:
        raise ValueError(f"missing required column(s): {', '.join(missing)}")
    distinct = {column: _distinct(df[column]) for column in ("comparison", "group_label")}
    for column, found in distinct.items():
        if (df[column].isna() if found is None else found[0] < 0).any():
            raise ValueError(f"column {column!r} has null values")
    if "patient_id" in df.columns:
        _check_unique_patients(df, distinct["comparison"])

    n_rows = len(df)
    prepared = pd.DataFrame(
        {
            "comparison": _map_values(df["comparison"], str, distinct=distinct["comparison"]),
            "group_label": _map_values(df["group_label"], str, distinct=distinct["group_label"]),
            "time": _to_float(df["os_months"], "os_months"),
            "event": _event_to_float(df["os_event"]),
            "entry": (
                _to_float(df["entry_months"], "entry_months")
                if "entry_months" in df.columns
                else np.full(n_rows, np.nan)
            ),
        }
    )
    if "study_id" in df.columns:
        # nulls read as _MISSING_STUDY (the shortcut maps them so; row by row they are
        # replaced first)
        study = _map_values(df["study_id"], str, null_result=_MISSING_STUDY, row_by_row=False)
        if study is None:
            column = df["study_id"].astype(object)
            study = _map_values(column.where(column.notna(), _MISSING_STUDY), str)
        prepared["study_id"] = study
    else:
        prepared["study_id"] = _MISSING_STUDY

    present: set[str] = set()
    if "age_at_diagnosis" in df.columns:
        prepared["age_at_diagnosis"] = _to_float(df["age_at_diagnosis"], "age_at_diagnosis")
        present.add("age_at_diagnosis")
    if "sex" in df.columns:
        prepared["sex"] = _normalise_code(df["sex"], _SEX_CODES)
        present.add("sex")
    if "stage" in df.columns:
        prepared["stage"] = _map_values(df["stage"], collapse_stage, null_result=np.nan)
        present.add("stage")
    if "smoking_status" in df.columns:
        prepared["smoking_status"] = _normalise_code(df["smoking_status"], _SMOKING_CODES)
        present.add("smoking_status")

    time, event, entry = prepared["time"], prepared["event"], prepared["entry"]
    eligible = (
        event.notna()
        & time.notna()
        & np.isfinite(time)
        & (time >= 0)
        & (entry.isna() | (np.isfinite(entry) & (entry >= 0) & (entry <= time)))
    )
    analysis = prepared[eligible].copy()
    analysis["event"] = analysis["event"].astype(bool)

    comparisons = []
    by_comparison = prepared.groupby("comparison", sort=True, observed=True)
    labels_by_comparison = by_comparison["group_label"].unique()
    rows_by_comparison = analysis.groupby("comparison", sort=True, observed=True).indices
    no_rows = np.zeros(0, dtype=np.intp)
    for name, labels in labels_by_comparison.items():
        data = analysis.iloc[rows_by_comparison.get(name, no_rows)]
        uses_entry = bool((data["entry"] > 0).any())
        if uses_entry:
            data = data.assign(entry=data["entry"].fillna(0.0))
            data = data[data["entry"] < data["time"]]
            uses_entry = bool((data["entry"] > 0).any())
        # one order whatever the input's (rows equal in every analysed column are
        # interchangeable): with tied times lifelines' Schoenfeld residuals (the ph test)
        # follow the row order, and DuckDB and Spark return rows in different orders
        order = ["group_label", "time", "event", "entry", "study_id", *sorted(present)]
        data = data.sort_values(order, kind="mergesort").reset_index(drop=True)
        comparisons.append(
            _Comparison(
                name=str(name),
                labels=tuple(sorted(str(label) for label in labels)),
                data=data,
                uses_entry=uses_entry,
                covariates_present=frozenset(present),
            )
        )
    return comparisons


def _frame(
    rows: list[dict] | pd.DataFrame, columns: Sequence[str], sort_by: Sequence[str]
) -> pd.DataFrame:
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=list(columns))
    for column in columns:
        if column == "is_underpowered":
            frame[column] = frame[column].astype(bool)
        elif column in _LABEL_COLUMNS:
            frame[column] = frame[column].astype(object)
        else:
            frame[column] = frame[column].astype("float64")
    if sort_by:
        frame = frame.sort_values(list(sort_by), kind="mergesort")
    return frame.reset_index(drop=True)


def _frame_from_columns(
    columns: Mapping[str, Sequence], names: Sequence[str], sort_by: Sequence[str]
) -> pd.DataFrame:
    """As :func:`_frame`, from one sequence per column instead of one dict per row."""
    frame = pd.DataFrame({name: columns[name] for name in names}, columns=list(names))
    frame.index = pd.RangeIndex(len(frame))
    return _frame(frame, names, sort_by)


def _underpowered(sizes: Mapping[str, int], min_group_size: int) -> str | None:
    """Why a set of groups is underpowered, or None when it is not."""
    with_data = [label for label, n in sizes.items() if n > 0]
    if len(with_data) < 2:
        return f"fewer than 2 groups with data ({len(with_data)})"
    small = [f"{label!r} n={n}" for label, n in sizes.items() if n < max(min_group_size, 1)]
    if small:
        return f"underpowered: {', '.join(small)} < min_group_size={min_group_size}"
    return None


# --------------------------------------------------------------------------- Kaplan-Meier


@dataclass(frozen=True)
class _Counts:
    """A comparison's analysis set collapsed to its distinct (group_label, time, event) rows
    -- (group_label, time, event, entry) when it uses delayed entry -- with how many rows
    each stands for, in the analysis set's order.

    Kaplan-Meier and the log-rank test see the rows only through per-time sums: lifelines
    builds its event tables (removed, observed, entrance, at_risk) by summing case weights
    per time, and a sum of integer-valued float weights is exact, so the collapsed rows
    fitted with ``weights=count`` give the very same event tables -- hence the same
    estimates, confidence intervals and test statistics -- as every row with weight 1.
    (Not so for Cox: lifelines' Efron with case weights differs from replicated rows.)
    """

    group: np.ndarray
    time: np.ndarray
    event: np.ndarray
    entry: np.ndarray
    count: np.ndarray
    groups: dict[str, slice]

    def n(self, label: str) -> int:
        block = self.groups.get(label)
        return 0 if block is None else int(self.count[block].sum())


def _counts(comp: _Comparison) -> _Counts:
    data = comp.data
    group = data["group_label"].to_numpy(dtype=object)
    time = data["time"].to_numpy(dtype="float64")
    event = data["event"].to_numpy(dtype=bool)
    entry = data["entry"].to_numpy(dtype="float64")
    n = len(data)
    # The analysis set is sorted by group_label, time, event, entry: equal rows are adjacent.
    new = np.ones(n, dtype=bool)
    new[1:] = (group[1:] != group[:-1]) | (time[1:] != time[:-1]) | (event[1:] != event[:-1])
    if comp.uses_entry:
        new[1:] |= entry[1:] != entry[:-1]
    starts = np.flatnonzero(new)
    count = np.diff(np.append(starts, n)).astype("float64")
    group = group[starts]
    first = np.flatnonzero(np.append(True, group[1:] != group[:-1])) if len(group) else starts
    bounds = np.append(first, len(group))
    groups = {
        str(group[i]): slice(int(i), int(j)) for i, j in zip(bounds[:-1], bounds[1:], strict=True)
    }
    return _Counts(group, time[starts], event[starts], entry[starts], count, groups)


def _fit_km(counts: _Counts, block: slice, uses_entry: bool) -> KaplanMeierFitter:
    kmf = KaplanMeierFitter()
    # catch_warnings restores the caller's warning filters whatever lifelines does.
    with warnings.catch_warnings():
        kmf.fit(
            counts.time[block],
            event_observed=counts.event[block],
            entry=counts.entry[block] if uses_entry else None,
            weights=counts.count[block],
        )
    return kmf


def _km_fits(
    comparisons: list[_Comparison], counts: list[_Counts]
) -> list[dict[str, KaplanMeierFitter]]:
    """Each comparison's Kaplan-Meier fits, {group_label: fitter} for groups with data."""
    return [
        {
            label: _fit_km(comp_counts, block, comp.uses_entry)
            for label, block in comp_counts.groups.items()
        }
        for comp, comp_counts in zip(comparisons, counts, strict=True)
    ]


def _km_curves(
    comparisons: list[_Comparison],
    counts: list[_Counts] | None = None,
    fits: list[dict[str, KaplanMeierFitter]] | None = None,
) -> pd.DataFrame:
    if counts is None:
        counts = [_counts(comp) for comp in comparisons]
    if fits is None:
        fits = _km_fits(comparisons, counts)
    names: list[str] = []
    labels: list[str] = []
    blocks: list[np.ndarray] = []
    for comp, comp_fits in zip(comparisons, fits, strict=True):
        for label in comp.labels:
            kmf = comp_fits.get(label)
            if kmf is None:
                continue
            survival = kmf.survival_function_.iloc[:, 0]
            interval = kmf.confidence_interval_
            table = kmf.event_table.reindex(survival.index)
            block = np.column_stack(
                [
                    survival.index.to_numpy(dtype="float64"),
                    survival.to_numpy(dtype="float64"),
                    interval.iloc[:, 0].to_numpy(dtype="float64"),
                    interval.iloc[:, 1].to_numpy(dtype="float64"),
                    table["at_risk"].to_numpy(dtype="float64"),
                    table["observed"].to_numpy(dtype="float64"),
                ]
            )
            if block[0, 0] > 0:
                block = np.vstack([[0.0, 1.0, 1.0, 1.0, 0.0, 0.0], block])
            names += [comp.name] * len(block)
            labels += [label] * len(block)
            blocks.append(block)
    values = np.vstack(blocks) if blocks else np.zeros((0, 6))
    columns = {"comparison": names, "group_label": labels}
    columns.update(zip(KM_CURVES_COLUMNS[2:], values.T, strict=True))
    return _frame_from_columns(
        columns, KM_CURVES_COLUMNS, ("comparison", "group_label", "time_months")
    )


def _finite_or_nan(value: float) -> float:
    value = float(value)
    return value if np.isfinite(value) else np.nan


def _km_medians(
    comparisons: list[_Comparison],
    min_group_size: int,
    counts: list[_Counts] | None = None,
    fits: list[dict[str, KaplanMeierFitter]] | None = None,
) -> pd.DataFrame:
    if counts is None:
        counts = [_counts(comp) for comp in comparisons]
    if fits is None:
        fits = _km_fits(comparisons, counts)
    rows: list[dict] = []
    for comp, comp_counts, comp_fits in zip(comparisons, counts, fits, strict=True):
        for label in comp.labels:
            median = low = high = np.nan
            n = n_events = 0.0
            kmf = comp_fits.get(label)
            if kmf is not None:
                median = _finite_or_nan(kmf.median_survival_time_)
                interval = median_survival_times(kmf.confidence_interval_)
                low = _finite_or_nan(interval.iloc[0, 0])
                high = _finite_or_nan(interval.iloc[0, 1])
                block = comp_counts.groups[label]
                count = comp_counts.count[block]
                n = count.sum()
                n_events = count[comp_counts.event[block]].sum()
            rows.append(
                {
                    "comparison": comp.name,
                    "group_label": label,
                    "n": float(n),
                    "n_events": float(n_events),
                    "median_months": median,
                    "ci_low": low,
                    "ci_high": high,
                    "is_underpowered": n < max(min_group_size, 1),
                }
            )
    return _frame(rows, KM_MEDIANS_COLUMNS, ("comparison", "group_label"))


# --------------------------------------------------------------------------- log-rank


def _logrank_delayed_entry(
    entry: np.ndarray,
    time: np.ndarray,
    event: np.ndarray,
    groups: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[float, int]:
    """K-group log-rank statistic over counting-process risk sets (entry < t <= time).

    Same algebra as lifelines' multivariate_logrank_test / R's survdiff: observed
    minus expected deaths per group, hypergeometric variance, quadratic form on
    the first k-1 groups with a pseudo-inverse. Returns (statistic, df).

    ``weights`` are row counts (integers: rows collapsed by :func:`_counts`). At each
    death time t, n_j = (rows of group j entered before t) - (rows that left before t),
    as entry < time on every row; with integer counts both are exact, and the per-time
    terms are summed in time order as a running sum.
    """
    labels, codes = np.unique(groups, return_inverse=True)
    k = len(labels)
    entry = np.asarray(entry, dtype="float64")
    time = np.asarray(time, dtype="float64")
    event = np.asarray(event, dtype=bool)
    weights = np.ones(len(time)) if weights is None else np.asarray(weights, dtype="float64")
    death_times = np.unique(time[event])
    n_jt = np.zeros((len(death_times), k))
    d_jt = np.zeros((len(death_times), k))
    for j in range(k):
        in_group = codes == j
        for values, sign in ((entry[in_group], 1.0), (time[in_group], -1.0)):
            order = np.argsort(values, kind="stable")
            cumulative = np.append(0.0, np.cumsum(weights[in_group][order]))
            below = cumulative[np.searchsorted(values[order], death_times, side="left")]
            n_jt[:, j] = n_jt[:, j] + sign * below
        dead = in_group & event
        position = np.searchsorted(death_times, time[dead])
        d_jt[:, j] = np.bincount(position, weights=weights[dead], minlength=len(death_times))
    n = n_jt.sum(axis=1)
    d = d_jt.sum(axis=1)
    share = n_jt / n[:, None]
    observed = np.cumsum(d_jt, axis=0)[-1] if len(death_times) else np.zeros(k)
    expected = np.cumsum(d[:, None] * share, axis=0)[-1] if len(death_times) else np.zeros(k)
    several = n > 1
    coefficient = d[several] * (n[several] - d[several]) / (n[several] - 1)
    spread = share[several]
    terms = coefficient[:, None, None] * (
        spread[:, :, None] * np.eye(k)[None, :, :] - spread[:, :, None] * spread[:, None, :]
    )
    variance = np.cumsum(terms, axis=0)[-1] if len(terms) else np.zeros((k, k))
    z = (observed - expected)[:-1]
    statistic = float(z @ np.linalg.pinv(variance[:-1, :-1]) @ z)
    return statistic, k - 1


def _logrank(
    comparisons: list[_Comparison], min_group_size: int, counts: list[_Counts] | None = None
) -> pd.DataFrame:
    if counts is None:
        counts = [_counts(comp) for comp in comparisons]
    rows: list[dict] = []
    for comp, comp_counts in zip(comparisons, counts, strict=True):
        sizes = {label: comp_counts.n(label) for label in comp.labels}
        n_groups = sum(1 for n in sizes.values() if n > 0)
        reason = _underpowered(sizes, min_group_size)
        statistic = p_value = np.nan
        dof = float(n_groups - 1) if n_groups >= 2 else np.nan
        if reason is None:
            if comp.uses_entry:
                statistic, k_minus_1 = _logrank_delayed_entry(
                    comp_counts.entry,
                    comp_counts.time,
                    comp_counts.event,
                    comp_counts.group,
                    comp_counts.count,
                )
                dof = float(k_minus_1)
                p_value = float(stats.chi2.sf(statistic, k_minus_1))
            else:
                with warnings.catch_warnings():
                    result = multivariate_logrank_test(
                        comp_counts.time,
                        comp_counts.group,
                        comp_counts.event,
                        weights=comp_counts.count,
                    )
                statistic = float(result.test_statistic)
                p_value = float(result.p_value)
                dof = float(result.degrees_of_freedom)
        rows.append(
            {
                "comparison": comp.name,
                "n": float(len(comp.data)),
                "n_groups": float(n_groups),
                "statistic": statistic,
                "df": dof,
                "p_value": p_value,
                "is_underpowered": reason is not None,
            }
        )
    return _frame(rows, LOGRANK_COLUMNS, ("comparison",))


# --------------------------------------------------------------------------- Cox


# lifelines' CoxPHFitter (Efron ties) stays the engine: its preprocessing, Newton-Raphson
# loop, step sizes, convergence rules, variance matrix and summary are used unchanged. Two
# inner sums, which lifelines computes with Python loops over rows or death times that take
# minutes on 250,000 patients (batch_mode too), are computed here with numpy:
#
# * each Newton-Raphson step's per-stratum log partial likelihood, gradient and Hessian
#   (lifelines' ``_get_efron_values_single`` / ``_batch``, or with delayed entry
#   ``CoxTimeVaryingFitter._get_gradients``), and
# * the scaled Schoenfeld residuals of ``proportional_hazard_test`` (lifelines'
#   ``_compute_schoenfeld_within_strata``), passed to it as ``precomputed_residuals``.
#
# They are the same sums added in another order, so results equal stock lifelines' to
# rounding; tests/test_survival.py checks that (1e-10) on tied, stratified, delayed-entry
# data.


# OpenBLAS runs a matrix product on several threads once it is large enough, and on a
# machine whose cores are busy with other work that costs 10-100x the single-threaded
# product (measured, 2 busy cores: x' x for 12,500 x 9 takes 14 ms against 0.5 ms; x beta
# for 12,500 x 1 takes 13 ms against 0.03 ms). The hot loops therefore compute
# matrix-vector products with einsum (no BLAS) and x' y products over blocks of rows small
# enough for OpenBLAS to stay single-threaded.
_BLAS_BLOCK = 2048


def _linear(x: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """x @ beta (einsum: no multi-threaded BLAS)."""
    return np.einsum("ij,j->i", x, beta)


def _inner(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a' b summed over blocks of rows (single-threaded BLAS)."""
    n = len(a)
    full = n - n % _BLAS_BLOCK
    product = a[full:].T @ b[full:]
    if full:
        blocks = np.matmul(
            a[:full].reshape(-1, _BLAS_BLOCK, a.shape[1]).transpose(0, 2, 1),
            b[:full].reshape(-1, _BLAS_BLOCK, b.shape[1]),
        )
        product = product + blocks.sum(axis=0)
    return product


def _rows_times(x: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """x @ matrix in blocks of rows (single-threaded BLAS)."""
    n, d = x.shape
    full = n - n % _BLAS_BLOCK
    product = np.empty((n, matrix.shape[1]))
    if full:
        blocks = np.matmul(x[:full].reshape(-1, _BLAS_BLOCK, d), matrix)
        product[:full] = blocks.reshape(full, matrix.shape[1])
    product[full:] = x[full:] @ matrix
    return product


class _EfronStratum:
    """Efron log partial likelihood, gradient, Hessian and Schoenfeld residuals of one
    stratum, vectorised. Rows are in lifelines' order (time ascending).

    For a death time t with m deaths, l = 0..m-1, p = l/m and denom_l = 1 / (R - p D),
    lifelines adds, with s_l = (Rx - p Dx) denom_l,

        gradient += xd - w sum_l s_l
        loglik   += xd.beta + w sum_l log(denom_l)
        hessian  += w [sum_l s_l s_l' - Rxx sum_l denom_l + Dxx sum_l p denom_l]

    where R, Rx, Rxx sum phi, phi x, phi x x' (phi = weight exp(x.beta)) over the risk set
    at t -- rows with time >= t, and entry < t with delayed entry --; D, Dx, Dxx the same
    over the deaths at t; xd is their weighted x sum and w their mean weight. With the
    per-death-time sums S(a, b) = w sum_l p^a denom_l^b this is

        w sum_l s_l    = Rx S(0,1) - Dx S(1,1)
        w sum_l s_l s_l' = Rx Rx' S(0,2) - (Rx Dx' + Dx Rx') S(1,2) + Dx Dx' S(2,2)
        sum_t [Rxx S(0,1) - Dxx S(1,1)] = X' diag(phi c) X,

    c(row) = S(0,1) summed over the death times in the row's risk window, minus S(1,1) of
    its own death time if it is a death. R and Rx are reverse cumulative sums of per-time
    sums (one sparse row-to-time matrix product) -- with delayed entry, minus the same
    sums over the rows that enter at or after t.
    """

    def __init__(
        self,
        x: np.ndarray,
        time: np.ndarray,
        event: np.ndarray,
        weights: np.ndarray,
        entry: np.ndarray | None = None,
    ):
        n = len(time)
        new = np.ones(n, dtype=bool)
        new[1:] = time[1:] != time[:-1]
        group = np.cumsum(new) - 1  # distinct time of each row
        self.first_row = np.flatnonzero(new)
        n_times = int(group[-1]) + 1 if n else 0
        dead = np.flatnonzero(event)
        first = np.ones(len(dead), dtype=bool)
        first[1:] = group[dead][1:] != group[dead][:-1]
        ties = np.diff(np.append(np.flatnonzero(first), len(dead)))  # deaths per death time
        n_runs = len(ties)
        run = np.repeat(np.arange(n_runs), ties)  # death time of each death (and each l)
        death_group = group[dead][first]
        self.x, self.weights, self.dead, self.run, self.ties = x, weights, dead, run, ties
        self.p = (np.arange(len(dead)) - np.flatnonzero(first)[run]) / ties[run]
        self.n_times, self.n_runs, self.death_group = n_times, n_runs, death_group
        rows = [group, n_times + run]
        columns = [np.arange(n), dead]
        death_times = time[dead][first]
        # window of death times in each row's risk set: [after_entry, through_time)
        self.through_time = np.searchsorted(death_group, group, side="right")
        self.after_entry = None
        if entry is not None:
            starts, start_group = np.unique(entry, return_inverse=True)
            rows.append(n_times + n_runs + start_group)
            columns.append(np.arange(n))
            # per death time: first distinct entry >= t (rows entering at or after t)
            self.late_entry = np.searchsorted(starts, death_times, side="left")
            self.n_starts = len(starts)
            self.after_entry = np.searchsorted(death_times, entry, side="right")
        self._sums_matrix = None
        self._sums_entries = (
            (np.concatenate(rows), np.concatenate(columns)),
            (n_times + n_runs + (self.n_starts if entry is not None else 0), n),
        )
        self.mean_weight = np.bincount(run, weights=weights[dead], minlength=n_runs) / np.maximum(
            ties, 1
        )
        self.x_death_sum = np.einsum("i,ij->j", weights[dead], x[dead])

    def _per_time(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.run, weights=values, minlength=self.n_runs)

    def _sums(self, beta: np.ndarray):
        """phi per row; [R, Rx] over the risk set and [D, Dx] over the deaths, per death
        time."""
        x = self.x
        scores = self.weights * np.exp(_linear(x, beta))
        if self._sums_matrix is None:
            (rows, columns), shape = self._sums_entries
            self._sums_matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape)
        sums = self._sums_matrix @ np.column_stack([scores, scores[:, None] * x])
        n_times, n_runs = self.n_times, self.n_runs
        risk = np.cumsum(sums[:n_times][::-1], axis=0)[::-1].take(self.death_group, axis=0)
        if self.after_entry is not None:
            late = np.cumsum(sums[n_times + n_runs :][::-1], axis=0)[::-1]
            late = np.vstack([late, np.zeros((1, late.shape[1]))])
            risk = risk - late.take(self.late_entry, axis=0)
        return scores, risk, sums[n_times : n_times + n_runs]

    def __call__(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
        x = self.x
        d = x.shape[1]
        if len(self.dead) == 0:
            return np.zeros((d, d)), np.zeros(d), 0.0
        scores, risk, tie = self._sums(beta)
        run, p, w = self.run, self.p, self.mean_weight
        risk_x, tie_x = risk[:, 1:], tie[:, 1:]
        denom = 1.0 / (risk[:, 0].take(run) - p * tie[:, 0].take(run))
        s01, s11 = w * self._per_time(denom), w * self._per_time(p * denom)
        squared = denom * denom
        s02 = w * self._per_time(squared)
        s12 = w * self._per_time(p * squared)
        s22 = w * self._per_time(p * p * squared)
        gradient = self.x_death_sum - (_linear(risk_x.T, s01) - _linear(tie_x.T, s11))
        log_lik = float(np.dot(self.x_death_sum, beta) + (w * self._per_time(np.log(denom))).sum())
        cross = _inner(risk_x * s12[:, None], tie_x)
        outer = _inner(risk_x * s02[:, None], risk_x) - cross - cross.T
        outer = outer + _inner(tie_x * s22[:, None], tie_x)
        cumulative = np.append(0.0, np.cumsum(s01))
        c = cumulative.take(self.through_time)
        if self.after_entry is not None:
            c = c - cumulative.take(self.after_entry)
        c[self.dead] -= s11.take(run)
        hessian = outer - _inner(x * (scores * c)[:, None], x)
        return hessian, gradient, log_lik

    def schoenfeld(self, beta: np.ndarray) -> np.ndarray:
        """Schoenfeld residuals of the death rows (no delayed entry), as lifelines'
        ``_compute_schoenfeld_within_strata``: x minus the Efron mean at the death time,
        sum over l of (Rx - l Dx / m) / ((R - l D / m) m).

        Computed once per fit, so in lifelines' order of additions: R, Rx accumulated row
        by row from the last row, D, Dx from the last death of the time back, the l terms
        in turn. (The ph test statistic is a small difference of large sums of these
        residuals, which magnifies any rounding difference ~1000-fold.)
        """
        if len(self.dead) == 0:
            return np.zeros((0, self.x.shape[1]))
        x, dead, run = self.x, self.dead, self.run
        scores = self.weights * np.exp(_linear(x, beta))
        phi = np.column_stack([scores, scores[:, None] * x])
        at_risk = self.first_row.take(self.death_group)
        risk = np.cumsum(phi[::-1], axis=0)[::-1].take(at_risk, axis=0)
        first = np.append(0, np.cumsum(self.ties)[:-1])  # first death of each death time
        ends = len(dead) - np.append(first[1:], len(dead))
        tie = np.add.reduceat(phi.take(dead[::-1], axis=0), ends[::-1], axis=0)[::-1]
        m = self.ties.take(run)
        rank = np.arange(len(run)) - first.take(run)  # l
        risk, tie = risk.take(run, axis=0), tie.take(run, axis=0)
        numer = risk[:, 1:] - (rank[:, None] * tie[:, 1:]) / m[:, None]
        denom = risk[:, 0] - (rank * tie[:, 0]) / m
        mean = np.add.reduceat(numer / (denom * m)[:, None], first, axis=0)
        return x.take(dead, axis=0) - mean.take(run, axis=0)


def _stratum_rows(index: pd.Index) -> list[np.ndarray]:
    """Row positions of each stratum, in the order of lifelines' ``X.groupby(strata)``
    (sorted stratum values; rows in their order)."""
    codes, _ = pd.factorize(index, sort=True)
    order = np.argsort(codes, kind="stable")
    return np.split(order, np.cumsum(np.bincount(codes))[:-1])


class _VectorisedEfron:
    """lifelines' gradient-function interface (X, T, E, weights, entries, beta) ->
    (hessian, gradient, log_lik), with each stratum's structure built once per fit."""

    def __init__(self) -> None:
        self._inputs: tuple | None = None
        self._strata: list[_EfronStratum] = []

    def _prepare(self, X, T, E, weights, entries, stratified: bool) -> list[_EfronStratum]:
        inputs = (X, T, E, weights, entries)
        if self._inputs is None or any(
            a is not b for a, b in zip(self._inputs, inputs, strict=True)
        ):
            x = X.to_numpy(dtype="float64")
            time = T.to_numpy(dtype="float64")
            event = E.to_numpy(dtype=bool)
            w = weights.to_numpy(dtype="float64")
            entry = None if entries is None else entries.to_numpy(dtype="float64")
            rows = _stratum_rows(X.index) if stratified else [np.arange(len(time))]
            self._strata = [
                _EfronStratum(
                    x.take(r, axis=0),
                    time[r],
                    event[r],
                    w[r],
                    None if entry is None else entry[r],
                )
                for r in rows
            ]
            self._inputs = inputs
        return self._strata

    def __call__(self, X, T, E, weights, entries, beta):
        (stratum,) = self._prepare(X, T, E, weights, entries, stratified=False)
        return stratum(beta)

    def by_stratum(self, X, T, E, weights, entries, beta):
        for stratum in self._prepare(X, T, E, weights, entries, stratified=True):
            yield stratum(beta)


class _EfronPHFitter(SemiParametricPHFitter):
    """lifelines' semi-parametric Cox fitter with vectorised Efron sums (see above).

    Only the coefficients, their variance and what derives from them (summary, Schoenfeld
    residuals) are used here, so two by-products of ``fit`` that cost seconds on 250,000
    rows and feed none of them are left out: the Breslow baseline hazards
    (``baseline_hazard_``, ``baseline_cumulative_hazard_``, ``baseline_survival_`` are
    empty) and ``_central_values`` (for plot_partial_effects_on_outcome). Prediction of
    survival curves from this fitter is therefore not available.
    """

    def _choose_gradient_calculator(self, T, X, entries):
        return _VectorisedEfron()

    def _partition_by_strata_and_apply(self, X, T, E, weights, entries, function, *args):
        # lifelines' call sites pass (X, T, E, weights, entries, function, *args).
        if isinstance(function, _VectorisedEfron):
            yield from function.by_stratum(X, T, E, weights, entries, *args)
            return
        for rows in _stratum_rows(X.index):
            yield function(
                X.iloc[rows],
                T.iloc[rows],
                E.iloc[rows],
                weights.iloc[rows],
                None if entries is None else entries.iloc[rows],
                *args,
            )

    def _compute_central_values_of_raw_training_data(self, df, strata=None, name="baseline"):
        return None

    def _compute_baseline_hazards(self, predicted_partial_hazards_):
        return pd.DataFrame(index=pd.Index([], dtype="float64"))

    def predict_log_partial_hazard(self, X):
        # lifelines' own, without turning a unique DataFrame index into a Python list
        if isinstance(X, pd.DataFrame) and X.index.is_unique:
            values = self.regressors.transform_df(X)["beta_"].to_numpy().astype(float)
            values = lifelines_utils.normalize(values, self._norm_mean.values, 1)
            return pd.Series(_linear(values, self.params_.to_numpy()), index=X.index)
        return super().predict_log_partial_hazard(X)


class _CoxPHFitter(CoxPHFitter):
    """``CoxPHFitter`` (Breslow baseline, Efron ties) fitted by :class:`_EfronPHFitter`."""

    def _fit_model_breslow(self, *args, **kwargs):
        model = _EfronPHFitter(
            penalizer=self.penalizer,
            l1_ratio=self.l1_ratio,
            strata=self.strata,
            alpha=self.alpha,
            label=self._label,
        )
        if not lifelines_utils.CensoringType.is_right_censoring(self):
            raise ValueError("only right censoring is supported")
        model.fit(*args, **kwargs)
        return model


def _scaled_schoenfeld(cph: CoxPHFitter, fit_df: pd.DataFrame) -> pd.DataFrame:
    """``cph.compute_residuals(fit_df, "scaled_schoenfeld")`` for a model fitted on fit_df
    (RangeIndex, no entry): the death rows' Schoenfeld residuals, in the fitted order
    (strata, time, event), times n_deaths * variance matrix."""
    params = cph.params_
    order = cph.durations.index.to_numpy()  # fit_df's rows in the fitted order
    x = np.column_stack([fit_df[name].to_numpy(dtype="float64") for name in params.index])
    x = x.take(order, axis=0)
    time = cph.durations.to_numpy(dtype="float64")
    event = cph.event_observed.to_numpy(dtype=bool)
    weights = cph.weights.to_numpy(dtype="float64")
    beta = params.to_numpy(dtype="float64")
    if cph.strata:
        # fitted order is sorted by stratum, so each stratum is one run, in sorted order
        names = [cph.strata] if isinstance(cph.strata, str) else list(cph.strata)
        if len(names) == 1:
            strata = fit_df[names[0]].to_numpy()[order]
        else:
            strata = pd.MultiIndex.from_frame(fit_df[names].iloc[order])
        codes, _ = pd.factorize(strata, sort=True)
        if (np.diff(codes) < 0).any():
            raise ValueError("fitted rows are not grouped by stratum")
        bounds = np.flatnonzero(np.diff(codes)) + 1
        rows = np.split(np.arange(len(order)), bounds)
    else:
        rows = [np.arange(len(order))]
    residuals = np.concatenate(
        [np.zeros((0, len(beta)))]
        + [_EfronStratum(x[r], time[r], event[r], weights[r]).schoenfeld(beta) for r in rows]
    )
    n_deaths = cph.event_observed.sum()
    scaled = n_deaths * _rows_times(residuals, cph.variance_matrix_.to_numpy(dtype="float64"))
    return pd.DataFrame(scaled, columns=params.index)


@dataclass
class _Design:
    """Model matrix columns (internal name -> term label) over a data frame."""

    data: pd.DataFrame
    terms: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _resolve_reference(comp: _Comparison, reference_group: str | Mapping[str, str] | None) -> str:
    chosen: str | None
    if reference_group is None:
        chosen = None
    elif isinstance(reference_group, str):
        chosen = reference_group
    elif isinstance(reference_group, Mapping):
        chosen = reference_group.get(comp.name)
    else:
        raise TypeError("reference_group must be None, a str or a mapping {comparison: label}")
    if chosen is None:
        return choose_reference_group(comp.labels, comp.sizes())
    if chosen not in comp.labels:
        raise ValueError(
            f"reference_group {chosen!r} is not a group of comparison {comp.name!r}: "
            f"{list(comp.labels)}"
        )
    return chosen


def _group_design(data: pd.DataFrame, labels: Sequence[str], reference: str) -> _Design:
    design = _Design(data=data.copy())
    for i, label in enumerate(label for label in labels if label != reference):
        column = f"_group_{i}"
        design.data[column] = (design.data["group_label"] == label).astype("float64")
        design.terms[column] = f"group_label: {label} vs {reference}"
    return design


def _select_covariates(
    comp: _Comparison, min_covariate_fraction: float, wanted: frozenset[str] | None
) -> tuple[list[str], list[str]]:
    """Covariates usable for a comparison's adjusted model, and why others are not."""
    used: list[str] = []
    notes: list[str] = []
    for name in _COVARIATE_LEVELS:
        if wanted is not None and name not in wanted:
            notes.append(f"{name} left out (adjust_for)")
            continue
        if name not in comp.covariates_present:
            notes.append(f"{name} absent")
            continue
        values = comp.data[name]
        fraction = float(values.notna().mean()) if len(values) else 0.0
        if fraction < min_covariate_fraction:
            notes.append(f"{name} non-null in {fraction:.0%} < {min_covariate_fraction:.0%}")
        elif values.dropna().nunique() < 2:
            notes.append(f"{name} has no variance")
        else:
            used.append(name)
    return used, notes


def _add_covariates(design: _Design, covariates: Sequence[str]) -> list[str]:
    """Add covariate columns to design; return covariates that were kept."""
    kept = []
    for name in covariates:
        values = design.data[name]
        levels = _COVARIATE_LEVELS[name]
        if levels is None:
            if values.nunique() < 2:
                design.notes.append(f"{name} dropped: no variance in complete cases")
                continue
            column = f"_cov_{name}"
            design.data[column] = values.astype("float64")
            design.terms[column] = f"{name}: per year"
            kept.append(name)
            continue
        present = [level for level in levels if (values == level).any()]
        if len(present) < 2:
            design.notes.append(f"{name} dropped: one level in complete cases")
            continue
        reference, *others = present
        for level in others:
            column = f"_cov_{name}_{level}"
            design.data[column] = (values == level).astype("float64")
            design.terms[column] = f"{name}: {level} vs {reference}"
        kept.append(name)
    return kept


@dataclass
class _Fit:
    summary: pd.DataFrame | None = None
    ph_p: pd.Series | None = None
    notes: list[str] = field(default_factory=list)


def _first_line(message: object, limit: int = 200) -> str:
    text = str(message).strip().splitlines()[0] if str(message).strip() else ""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fit_cox(design: _Design, uses_entry: bool, stratify: bool) -> _Fit:
    columns = list(design.terms) + ["time", "event"]
    if uses_entry:
        columns.append("entry")
    if stratify:
        columns.append("study_id")
    fit_df = design.data[columns].reset_index(drop=True)
    if stratify:
        # Codes in the sort order of the study ids: lifelines sorts and groups the rows
        # exactly as by the ids themselves, without comparing strings.
        fit_df["study_id"] = pd.factorize(fit_df["study_id"], sort=True)[0]
    result = _Fit()
    cph = _CoxPHFitter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cph.fit(
                fit_df,
                duration_col="time",
                event_col="event",
                entry_col="entry" if uses_entry else None,
                strata=["study_id"] if stratify else None,
            )
        except ConvergenceError as exc:
            result.notes.append(f"ConvergenceError: {_first_line(exc)}")
        else:
            result.summary = cph.summary
            if uses_entry:
                result.notes.append(
                    "ph test not available: lifelines has no Schoenfeld residuals with entry_col"
                )
            else:
                try:
                    residuals = _scaled_schoenfeld(cph, fit_df)
                except (ValueError, IndexError, np.linalg.LinAlgError):
                    residuals = None  # not expected; then lifelines computes them itself
                try:
                    ph = proportional_hazard_test(
                        cph, fit_df, time_transform="rank", precomputed_residuals=residuals
                    )
                except (ValueError, np.linalg.LinAlgError) as exc:
                    result.notes.append(f"ph test failed: {type(exc).__name__}: {_first_line(exc)}")
                else:
                    result.ph_p = ph.summary["p"]
    for warning in caught:
        if issubclass(warning.category, (ConvergenceWarning, StatisticalWarning)):
            result.notes.append(f"{warning.category.__name__}: {_first_line(warning.message)}")
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return result


def _cox_rows(
    comp: _Comparison,
    model: str,
    design: _Design,
    fit: _Fit | None,
    is_underpowered: bool,
    notes: list[str],
) -> list[dict]:
    data = design.data
    base = {
        "comparison": comp.name,
        "model": model,
        "n": float(len(data)),
        "n_events": float(data["event"].sum()),
        "is_underpowered": is_underpowered,
    }
    all_notes = list(notes) + (fit.notes if fit is not None else [])
    note = "; ".join(all_notes) if all_notes else np.nan
    terms = design.terms
    if fit is None:
        # Not fitted: only the group terms the model was meant to estimate.
        terms = {column: term for column, term in terms.items() if column.startswith("_group_")}
    terms = terms or {None: np.nan}
    rows = []
    for column, term in terms.items():
        row = dict(
            base,
            term=term,
            hazard_ratio=np.nan,
            ci_low=np.nan,
            ci_high=np.nan,
            p_value=np.nan,
            ph_test_p_value=np.nan,
            note=note,
        )
        if fit is not None and fit.summary is not None and column in fit.summary.index:
            summary = fit.summary.loc[column]
            row.update(
                hazard_ratio=float(summary["exp(coef)"]),
                ci_low=float(summary["exp(coef) lower 95%"]),
                ci_high=float(summary["exp(coef) upper 95%"]),
                p_value=float(summary["p"]),
            )
            if fit.ph_p is not None and column in fit.ph_p.index:
                row["ph_test_p_value"] = float(fit.ph_p.loc[column])
        rows.append(row)
    return rows


def _model_notes(data: pd.DataFrame, uses_entry: bool) -> tuple[bool, list[str]]:
    n_studies = data["study_id"].nunique()
    stratify = n_studies > 1
    notes = []
    if stratify:
        notes.append(f"stratified by study_id ({n_studies} studies)")
    if uses_entry:
        notes.append("delayed entry (entry_months)")
    return stratify, notes


def _cox(
    comparisons: list[_Comparison],
    min_group_size: int,
    reference_group: str | Mapping[str, str] | None,
    min_covariate_fraction: float,
    adjust_for: Mapping[str, frozenset[str]] | None = None,
) -> pd.DataFrame:
    rows: list[dict] = []
    for comp in comparisons:
        reference = _resolve_reference(comp, reference_group)

        # Unadjusted: group indicators only, on the full analysis set.
        design = _group_design(comp.data, comp.labels, reference)
        reason = _underpowered(comp.sizes(), min_group_size)
        stratify, notes = _model_notes(design.data, comp.uses_entry)
        fit = None
        if reason is None:
            fit = _fit_cox(design, comp.uses_entry, stratify)
        else:
            notes.append(reason)
        rows += _cox_rows(comp, "unadjusted", design, fit, reason is not None, notes)

        # Adjusted: complete cases on the covariates available for this comparison.
        covariates, selection_notes = _select_covariates(
            comp, min_covariate_fraction, (adjust_for or {}).get(comp.name)
        )
        complete = comp.data.dropna(subset=covariates).reset_index(drop=True)
        adjusted = _group_design(complete, comp.labels, reference)
        kept = _add_covariates(adjusted, covariates)
        adjusted_reason = _underpowered(comp.sizes(complete), min_group_size)
        stratify, notes = _model_notes(complete, comp.uses_entry)
        notes.append("adjusted for: " + (", ".join(kept) if kept else "nothing"))
        notes += selection_notes + adjusted.notes
        fit = None
        if not kept:
            notes.append("adjusted model not fitted: no usable adjustment covariate")
        elif reason is not None or adjusted_reason is not None:
            notes.append(reason or adjusted_reason)
        else:
            fit = _fit_cox(adjusted, comp.uses_entry, stratify)
        underpowered = reason is not None or adjusted_reason is not None
        rows += _cox_rows(comp, "adjusted", adjusted, fit, underpowered, notes)

    frame = _frame(rows, COX_COLUMNS, ())
    # Rows are built in order; the sort states it: comparison, model, term as built.
    keys = frame.assign(
        _model=frame["model"].map({model: i for i, model in enumerate(_MODELS)}),
        _position=np.arange(len(frame)),
    )
    order = keys.sort_values(["comparison", "_model", "_position"], kind="mergesort").index
    return frame.loc[order].reset_index(drop=True)

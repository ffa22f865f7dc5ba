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
from lifelines.exceptions import ConvergenceError, ConvergenceWarning, StatisticalWarning
from lifelines.statistics import multivariate_logrank_test, proportional_hazard_test
from lifelines.utils import median_survival_times
from scipy import stats

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
    if not 0.0 <= min_covariate_fraction <= 1.0:
        raise ValueError(f"min_covariate_fraction must be in [0, 1], got {min_covariate_fraction}")
    return _cox(_split(df), min_group_size, reference_group, min_covariate_fraction)


def run_all(
    df: pd.DataFrame,
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE,
    *,
    reference_group: str | Mapping[str, str] | None = None,
    min_covariate_fraction: float = DEFAULT_MIN_COVARIATE_FRACTION,
) -> dict[str, pd.DataFrame]:
    """All four results: keys ``km_curves``, ``km_medians``, ``logrank``, ``cox``."""
    _check_min_group_size(min_group_size)
    if not 0.0 <= min_covariate_fraction <= 1.0:
        raise ValueError(f"min_covariate_fraction must be in [0, 1], got {min_covariate_fraction}")
    comparisons = _split(df)
    return {
        "km_curves": _km_curves(comparisons),
        "km_medians": _km_medians(comparisons, min_group_size),
        "logrank": _logrank(comparisons, min_group_size),
        "cox": _cox(comparisons, min_group_size, reference_group, min_covariate_fraction),
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


def _to_float(series: pd.Series, name: str) -> np.ndarray:
    try:
        numeric = pd.to_numeric(series, errors="raise")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column {name!r} must be numeric: {exc}") from exc
    return pd.Series(numeric).to_numpy(dtype="float64", na_value=np.nan)


def _event_to_float(series: pd.Series) -> np.ndarray:
    values = np.empty(len(series), dtype="float64")
    for i, value in enumerate(series.astype(object)):
        if value is None or pd.isna(value):
            values[i] = np.nan
            continue
        try:
            values[i] = float(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"os_event must be 0/1/True/False or null, got {value!r}") from exc
    known = values[~np.isnan(values)]
    bad = known[(known != 0.0) & (known != 1.0)]
    if bad.size:
        raise ValueError(f"os_event must be 0/1/True/False or null, got {bad[0]!r}")
    return values


def _normalise_code(series: pd.Series, codes: Mapping[str, str]) -> pd.Series:
    def normalise(value: object) -> object:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return np.nan
        return codes.get(str(value).strip().lower(), np.nan)

    return series.astype(object).map(normalise)


def _split(df: pd.DataFrame) -> list[_Comparison]:
    """Validate the input and return each comparison's analysis set, sorted by name."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [column for column in _REQUIRED_COLUMNS if column not in df.columns]
    if missing:
        raise ValueError(f"missing required column(s): {', '.join(missing)}")
    for column in ("comparison", "group_label"):
        if df[column].isna().any():
            raise ValueError(f"column {column!r} has null values")
    if "patient_id" in df.columns:
        keys = df.loc[df["patient_id"].notna(), ["comparison", "patient_id"]]
        duplicated = keys.duplicated()
        if duplicated.any():
            first = keys[duplicated].iloc[0].tolist()
            raise ValueError(f"more than one row per (comparison, patient_id), e.g. {first}")

    n_rows = len(df)
    prepared = pd.DataFrame(
        {
            "comparison": df["comparison"].map(str).to_numpy(dtype=object),
            "group_label": df["group_label"].map(str).to_numpy(dtype=object),
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
        study = df["study_id"].astype(object)
        prepared["study_id"] = study.where(study.notna(), _MISSING_STUDY).map(str).to_numpy()
    else:
        prepared["study_id"] = _MISSING_STUDY

    present: set[str] = set()
    if "age_at_diagnosis" in df.columns:
        prepared["age_at_diagnosis"] = _to_float(df["age_at_diagnosis"], "age_at_diagnosis")
        present.add("age_at_diagnosis")
    if "sex" in df.columns:
        prepared["sex"] = _normalise_code(df["sex"], _SEX_CODES).to_numpy()
        present.add("sex")
    if "stage" in df.columns:
        prepared["stage"] = df["stage"].astype(object).map(collapse_stage).to_numpy()
        present.add("stage")
    if "smoking_status" in df.columns:
        prepared["smoking_status"] = _normalise_code(
            df["smoking_status"], _SMOKING_CODES
        ).to_numpy()
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
    labels_by_comparison = prepared.groupby("comparison", sort=True)["group_label"].unique()
    for name, labels in labels_by_comparison.items():
        data = analysis[analysis["comparison"] == name]
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


def _frame(rows: list[dict], columns: Sequence[str], sort_by: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(columns))
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


def _fit_km(data: pd.DataFrame, uses_entry: bool) -> KaplanMeierFitter:
    kmf = KaplanMeierFitter()
    # catch_warnings restores the caller's warning filters whatever lifelines does.
    with warnings.catch_warnings():
        kmf.fit(
            data["time"],
            event_observed=data["event"],
            entry=data["entry"] if uses_entry else None,
        )
    return kmf


def _km_curves(comparisons: list[_Comparison]) -> pd.DataFrame:
    rows: list[dict] = []
    for comp in comparisons:
        for label in comp.labels:
            group = comp.data[comp.data["group_label"] == label]
            if group.empty:
                continue
            kmf = _fit_km(group, comp.uses_entry)
            survival = kmf.survival_function_.iloc[:, 0]
            interval = kmf.confidence_interval_
            table = kmf.event_table.reindex(survival.index)
            times = survival.index.to_numpy(dtype="float64")
            if times[0] > 0:
                rows.append(_km_row(comp.name, label, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0))
            for i, time in enumerate(times):
                rows.append(
                    _km_row(
                        comp.name,
                        label,
                        time,
                        survival.iloc[i],
                        interval.iloc[i, 0],
                        interval.iloc[i, 1],
                        table["at_risk"].iloc[i],
                        table["observed"].iloc[i],
                    )
                )
    return _frame(rows, KM_CURVES_COLUMNS, ("comparison", "group_label", "time_months"))


def _km_row(comparison, label, time, survival, low, high, at_risk, events) -> dict:
    return {
        "comparison": comparison,
        "group_label": label,
        "time_months": float(time),
        "survival": float(survival),
        "ci_low": float(low),
        "ci_high": float(high),
        "n_at_risk": float(at_risk),
        "n_events": float(events),
    }


def _finite_or_nan(value: float) -> float:
    value = float(value)
    return value if np.isfinite(value) else np.nan


def _km_medians(comparisons: list[_Comparison], min_group_size: int) -> pd.DataFrame:
    rows: list[dict] = []
    for comp in comparisons:
        for label in comp.labels:
            group = comp.data[comp.data["group_label"] == label]
            median = low = high = np.nan
            if not group.empty:
                kmf = _fit_km(group, comp.uses_entry)
                median = _finite_or_nan(kmf.median_survival_time_)
                interval = median_survival_times(kmf.confidence_interval_)
                low = _finite_or_nan(interval.iloc[0, 0])
                high = _finite_or_nan(interval.iloc[0, 1])
            n = len(group)
            rows.append(
                {
                    "comparison": comp.name,
                    "group_label": label,
                    "n": float(n),
                    "n_events": float(group["event"].sum()),
                    "median_months": median,
                    "ci_low": low,
                    "ci_high": high,
                    "is_underpowered": n < max(min_group_size, 1),
                }
            )
    return _frame(rows, KM_MEDIANS_COLUMNS, ("comparison", "group_label"))


# --------------------------------------------------------------------------- log-rank


def _logrank_delayed_entry(
    entry: np.ndarray, time: np.ndarray, event: np.ndarray, groups: np.ndarray
) -> tuple[float, int]:
    """K-group log-rank statistic over counting-process risk sets (entry < t <= time).

    Same algebra as lifelines' multivariate_logrank_test / R's survdiff: observed
    minus expected deaths per group, hypergeometric variance, quadratic form on
    the first k-1 groups with a pseudo-inverse. Returns (statistic, df).
    """
    labels, codes = np.unique(groups, return_inverse=True)
    k = len(labels)
    observed = np.zeros(k)
    expected = np.zeros(k)
    variance = np.zeros((k, k))
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
    statistic = float(z @ np.linalg.pinv(variance[:-1, :-1]) @ z)
    return statistic, k - 1


def _logrank(comparisons: list[_Comparison], min_group_size: int) -> pd.DataFrame:
    rows: list[dict] = []
    for comp in comparisons:
        sizes = comp.sizes()
        n_groups = sum(1 for n in sizes.values() if n > 0)
        reason = _underpowered(sizes, min_group_size)
        statistic = p_value = np.nan
        dof = float(n_groups - 1) if n_groups >= 2 else np.nan
        if reason is None:
            data = comp.data
            if comp.uses_entry:
                statistic, k_minus_1 = _logrank_delayed_entry(
                    data["entry"].to_numpy(dtype="float64"),
                    data["time"].to_numpy(dtype="float64"),
                    data["event"].to_numpy(dtype=bool),
                    data["group_label"].to_numpy(dtype=object),
                )
                dof = float(k_minus_1)
                p_value = float(stats.chi2.sf(statistic, k_minus_1))
            else:
                with warnings.catch_warnings():
                    result = multivariate_logrank_test(
                        data["time"], data["group_label"], data["event"]
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
    comp: _Comparison, min_covariate_fraction: float
) -> tuple[list[str], list[str]]:
    """Covariates usable for a comparison's adjusted model, and why others are not."""
    used: list[str] = []
    notes: list[str] = []
    for name in _COVARIATE_LEVELS:
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
    result = _Fit()
    cph = CoxPHFitter()
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
                    ph = proportional_hazard_test(cph, fit_df, time_transform="rank")
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
        covariates, selection_notes = _select_covariates(comp, min_covariate_fraction)
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

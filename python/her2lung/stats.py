"""Pure statistics that turn alteration counts into analysis tables.

The functions here take a DataFrame of integer counts (as built by the cohort
marts) and return a new DataFrame with the statistics appended. They do no I/O
and print nothing, so dbt Python models can call them directly.

- :func:`prevalence_ci` -- prevalence with exact Clopper-Pearson intervals.
- :func:`cooccurrence_stats` -- ERBB2 vs gene 2x2 tables: odds ratio, Fisher
  exact test, Benjamini-Hochberg q-values and, for pooled rows, the
  Cochran-Mantel-Haenszel test stratified by study.
- :func:`benjamini_hochberg` -- NaN-aware Benjamini-Hochberg adjustment.

Statistics that cannot be estimated (no profiled samples, a 2x2 table with an
empty margin) are NaN, never zero: unknown stays unknown.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

__all__ = [
    "POOLED_STUDY_ID",
    "benjamini_hochberg",
    "cooccurrence_stats",
    "prevalence_ci",
]

#: ``study_id`` of the rows that pool every study in :func:`cooccurrence_stats`.
POOLED_STUDY_ID = "ALL"

_PREVALENCE_KEYS = ["unit", "study_id", "driver_cohort", "alteration"]
_PREVALENCE_COUNTS = ["n_profiled", "n_altered"]
_COOC_KEYS = ["study_id", "gene"]
_COOC_COUNTS = ["n_both", "n_erbb2_only", "n_gene_only", "n_neither"]


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}")


def _count_array(df: pd.DataFrame, column: str, what: str) -> np.ndarray:
    """Return ``df[column]`` as float64 after checking it holds counts.

    Counts must be present, whole and non-negative; anything else is a bug
    upstream and raises rather than being silently coerced.
    """
    values = pd.to_numeric(df[column], errors="raise").to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isnan(values).any():
        raise ValueError(f"{what}: column {column!r} has missing values")
    if (values < 0).any() or (values != np.floor(values)).any() or np.isinf(values).any():
        raise ValueError(f"{what}: column {column!r} must hold non-negative integers")
    return values


def benjamini_hochberg(p: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q-values).

    Parameters
    ----------
    p
        One-dimensional p-values in [0, 1]. NaNs are allowed: they stay NaN in
        the result and are not counted among the tests.

    Returns
    -------
    numpy.ndarray
        float64 array of the same length and order as ``p``; equal to
        ``statsmodels.stats.multitest.multipletests(p, method="fdr_bh")[1]``
        on the non-NaN entries.
    """
    p = np.asarray(p, dtype=np.float64)
    if p.ndim != 1:
        raise ValueError("benjamini_hochberg: p must be one-dimensional")
    finite = ~np.isnan(p)
    if ((p[finite] < 0) | (p[finite] > 1)).any():
        raise ValueError("benjamini_hochberg: p-values must lie in [0, 1]")
    q = np.full(p.shape, np.nan)
    tested = p[finite]
    m = tested.size
    if m == 0:
        return q
    order = np.argsort(tested, kind="mergesort")
    scaled = tested[order] * m / np.arange(1, m + 1)
    # Step-up: each q is the smallest scaled p at or above its rank.
    adjusted = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
    out = np.empty(m)
    out[order] = adjusted
    q[finite] = out
    return q


def prevalence_ci(counts: pd.DataFrame, confidence_level: float = 0.95) -> pd.DataFrame:
    """Prevalence with exact (Clopper-Pearson) confidence intervals, in percent.

    Parameters
    ----------
    counts
        One row per (unit, study_id, driver_cohort, alteration) with integer
        columns ``n_profiled`` (denominator: profiled samples or patients) and
        ``n_altered`` (numerator, ``<= n_profiled``). Other columns are kept.
    confidence_level
        Two-sided coverage of the interval; 0.95 by default.

    Returns
    -------
    pandas.DataFrame
        The input columns plus float columns, all on the 0-100 scale:

        - ``pct``: 100 * n_altered / n_profiled.
        - ``ci_low``, ``ci_high``: Clopper-Pearson bounds from the beta
          quantiles ``beta.ppf(alpha/2, k, n-k+1)`` and
          ``beta.ppf(1-alpha/2, k+1, n-k)``; ``ci_low`` is 0 when k = 0 and
          ``ci_high`` is 100 when k = n. These equal
          ``scipy.stats.binomtest(k, n).proportion_ci(method="exact")`` * 100.

        All three are NaN when ``n_profiled`` is 0. Rows are sorted by
        unit, study_id, driver_cohort, alteration (nulls last) with a fresh
        RangeIndex.
    """
    what = "prevalence_ci"
    if not 0 < confidence_level < 1:
        raise ValueError(f"{what}: confidence_level must lie in (0, 1)")
    _require_columns(counts, _PREVALENCE_KEYS + _PREVALENCE_COUNTS, what)
    n = _count_array(counts, "n_profiled", what)
    k = _count_array(counts, "n_altered", what)
    if (k > n).any():
        raise ValueError(f"{what}: n_altered exceeds n_profiled")

    alpha = 1.0 - confidence_level
    profiled = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(profiled, 100.0 * k / n, np.nan)
        # Evaluate beta.ppf only where its shape parameters are positive.
        low = np.where(
            k > 0,
            sps.beta.ppf(alpha / 2, np.maximum(k, 1), n - k + 1),
            0.0,
        )
        high = np.where(
            k < n,
            sps.beta.ppf(1 - alpha / 2, k + 1, np.maximum(n - k, 1)),
            1.0,
        )
    out = counts.copy()
    out["pct"] = pct
    out["ci_low"] = np.where(profiled, 100.0 * low, np.nan)
    out["ci_high"] = np.where(profiled, 100.0 * high, np.nan)
    return out.sort_values(_PREVALENCE_KEYS, na_position="last", kind="mergesort").reset_index(
        drop=True
    )


def _has_empty_margin(a, b, c, d) -> np.ndarray:
    """True where a 2x2 table [[a, b], [c, d]] has a zero row or column sum."""
    return (a + b == 0) | (c + d == 0) | (a + c == 0) | (b + d == 0)


def _cmh(tables: np.ndarray) -> tuple[float, float]:
    """Mantel-Haenszel test (no continuity correction) and pooled odds ratio.

    ``tables`` is K x 4 with columns a, b, c, d. Strata with an empty margin
    carry no information and are dropped. Returns (p_value, pooled_or); both
    NaN when no stratum is informative. The pooled odds ratio is
    sum(a*d/n) / sum(b*c/n), so it is 0 or inf when one of the sums is 0.
    """
    a, b, c, d = tables.T
    keep = ~_has_empty_margin(a, b, c, d)
    if not keep.any():
        return np.nan, np.nan
    a, b, c, d = a[keep], b[keep], c[keep], d[keep]
    n = a + b + c + d
    r1, r2, c1, c2 = a + b, c + d, a + c, b + d
    deviation = np.sum(a - r1 * c1 / n)
    variance = np.sum(r1 * r2 * c1 * c2 / (n**2 * (n - 1)))
    statistic = deviation**2 / variance
    p_value = float(sps.chi2.sf(statistic, df=1))
    num, den = np.sum(a * d / n), np.sum(b * c / n)
    with np.errstate(divide="ignore"):
        pooled_or = float(np.divide(num, den))
    return p_value, pooled_or


def cooccurrence_stats(counts: pd.DataFrame) -> pd.DataFrame:
    """Co-occurrence / mutual exclusivity of ERBB2 with other genes.

    Each row is a 2x2 table over profiled samples::

                        gene altered   gene not altered
        ERBB2 altered   n_both         n_erbb2_only
        ERBB2 not       n_gene_only    n_neither

    Parameters
    ----------
    counts
        One row per (study_id, gene) with integer columns ``n_both``,
        ``n_erbb2_only``, ``n_gene_only``, ``n_neither``. Rows whose
        ``study_id`` is ``"ALL"`` hold the tables pooled across studies; the
        other rows are the per-study strata. (study_id, gene) must be unique.
        Other columns are kept.

    Returns
    -------
    pandas.DataFrame
        The input columns plus:

        - ``log2_odds_ratio`` (float): log2((a*d)/(b*c)), with 0.5 added to
          every cell when any cell is 0 (Haldane-Anscombe). NaN when the table
          has an empty row or column margin.
        - ``p_value`` (float): two-sided Fisher exact test
          (``scipy.stats.fisher_exact``). NaN when the table has an empty
          margin: such a table carries no information and is not a test.
        - ``q_value`` (float): Benjamini-Hochberg adjustment of ``p_value``
          over the rows sharing a ``study_id`` (so the pooled rows form their
          own family); NaN p-values are not counted and stay NaN.
        - ``tendency`` (object): ``"co-occurrence"`` if log2_odds_ratio > 0,
          ``"mutual exclusivity"`` if < 0, None if 0 or NaN.
        - ``cmh_p_value`` (float): for ``"ALL"`` rows, the Cochran-Mantel-
          Haenszel test of conditional independence stratified by study,
          without continuity correction, from the per-study rows of the same
          gene (strata with an empty margin are dropped). NaN when no stratum
          is informative, and NaN on per-study rows.
        - ``cmh_log2_odds_ratio`` (float): for ``"ALL"`` rows, log2 of the
          Mantel-Haenszel pooled odds ratio sum(a*d/n) / sum(b*c/n) over the
          same strata, without zero-cell correction (so -inf / +inf when
          every informative stratum has a*d = 0 / b*c = 0). NaN as for
          ``cmh_p_value``.

        Rows are sorted by study_id then gene, with the ``"ALL"`` rows last,
        and a fresh RangeIndex.
    """
    what = "cooccurrence_stats"
    _require_columns(counts, _COOC_KEYS + _COOC_COUNTS, what)
    if counts[_COOC_KEYS].isna().any().any():
        raise ValueError(f"{what}: study_id and gene must not be null")
    if counts.duplicated(_COOC_KEYS).any():
        raise ValueError(f"{what}: (study_id, gene) must be unique")
    a, b, c, d = (_count_array(counts, col, what) for col in _COOC_COUNTS)

    # Sort once: per-study rows by (study_id, gene), then the pooled rows.
    out = counts.reset_index(drop=True)
    is_pooled = (out["study_id"] == POOLED_STUDY_ID).to_numpy()
    positions = (
        out.assign(_is_pooled=is_pooled)
        .sort_values(["_is_pooled", *_COOC_KEYS], kind="mergesort")
        .index.to_numpy()
    )
    out = out.iloc[positions].reset_index(drop=True)
    a, b, c, d = a[positions], b[positions], c[positions], d[positions]
    is_pooled = is_pooled[positions]

    empty = _has_empty_margin(a, b, c, d)
    shift = np.where((a == 0) | (b == 0) | (c == 0) | (d == 0), 0.5, 0.0)
    log2_or = np.log2((a + shift) * (d + shift) / ((b + shift) * (c + shift)))
    log2_or[empty] = np.nan

    p_value = np.full(len(out), np.nan)
    for i in np.flatnonzero(~empty):
        table = [[a[i], b[i]], [c[i], d[i]]]
        p_value[i] = sps.fisher_exact(table, alternative="two-sided").pvalue

    q_value = np.full(len(out), np.nan)
    for idx in out.groupby("study_id", sort=False).indices.values():
        q_value[idx] = benjamini_hochberg(p_value[idx])

    tendency = np.full(len(out), None, dtype=object)
    tendency[log2_or > 0] = "co-occurrence"
    tendency[log2_or < 0] = "mutual exclusivity"

    cmh_p = np.full(len(out), np.nan)
    cmh_log2_or = np.full(len(out), np.nan)
    tables = np.column_stack([a, b, c, d])
    strata = out.loc[~is_pooled].groupby("gene", sort=False).indices
    strata_rows = np.flatnonzero(~is_pooled)
    for i in np.flatnonzero(is_pooled):
        idx = strata.get(out.at[i, "gene"])
        if idx is None:
            continue
        p, pooled_or = _cmh(tables[strata_rows[idx]])
        cmh_p[i] = p
        with np.errstate(divide="ignore"):
            cmh_log2_or[i] = np.log2(pooled_or)

    out["log2_odds_ratio"] = log2_or
    out["p_value"] = p_value
    out["q_value"] = q_value
    out["tendency"] = pd.Series(tendency, dtype=object)
    out["cmh_p_value"] = cmh_p
    out["cmh_log2_odds_ratio"] = cmh_log2_or
    return out

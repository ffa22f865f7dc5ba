"""Tests for her2lung.stats against independent scipy / statsmodels computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.stats.contingency_tables import StratifiedTable, Table2x2
from statsmodels.stats.multitest import multipletests

from her2lung.stats import benjamini_hochberg, cooccurrence_stats, prevalence_ci

TOL = 1e-9
CELLS = ["n_both", "n_erbb2_only", "n_gene_only", "n_neither"]


def assert_close(actual: float, expected: float, what: str) -> None:
    if math.isnan(expected):
        assert math.isnan(actual), f"{what}: expected NaN, got {actual}"
    elif math.isinf(expected):
        assert actual == expected, f"{what}: expected {expected}, got {actual}"
    else:
        assert actual == pytest.approx(expected, rel=TOL, abs=TOL), what


def has_empty_margin(a: int, b: int, c: int, d: int) -> bool:
    return min(a + b, c + d, a + c, b + d) == 0


# --------------------------------------------------------------------------
# benjamini_hochberg


def test_bh_matches_statsmodels_on_random_pvalues():
    rng = np.random.default_rng(20240501)
    for size in [1, 2, 5, 37, 200]:
        p = rng.uniform(size=size) ** 3  # skew towards small p
        p[rng.uniform(size=size) < 0.2] = 1.0  # ties at 1
        if size > 3:
            p[:2] = p[2]  # ties elsewhere
        expected = multipletests(p, method="fdr_bh")[1]
        np.testing.assert_allclose(benjamini_hochberg(p), expected, rtol=TOL, atol=TOL)


def test_bh_nan_values_stay_nan_and_are_not_counted():
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan, 0.5])
    q = benjamini_hochberg(p)
    assert np.isnan(q[[1, 4]]).all()
    finite = ~np.isnan(p)
    expected = multipletests(p[finite], method="fdr_bh")[1]
    np.testing.assert_allclose(q[finite], expected, rtol=TOL, atol=TOL)


def test_bh_edge_cases():
    assert benjamini_hochberg([]).shape == (0,)
    assert np.isnan(benjamini_hochberg([np.nan, np.nan])).all()
    with pytest.raises(ValueError):
        benjamini_hochberg([0.5, 1.5])
    with pytest.raises(ValueError):
        benjamini_hochberg([[0.1, 0.2]])


# --------------------------------------------------------------------------
# prevalence_ci


def random_prevalence_counts(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = rng.integers(0, 300, size=150)
    k = np.floor(rng.uniform(size=150) ** 4 * (n + 1)).astype(int).clip(max=n)
    fixed_n = np.array([0, 1, 1, 2, 10, 10, 500, 1000, 3])
    fixed_k = np.array([0, 0, 1, 1, 0, 10, 1, 999, 3])
    n = np.concatenate([n, fixed_n])
    k = np.concatenate([k, fixed_k])
    size = len(n)
    return pd.DataFrame(
        {
            "unit": rng.choice(["sample", "patient"], size=size),
            "study_id": rng.choice(["luad_a", "luad_b", "nsclc_c"], size=size),
            "driver_cohort": [f"cohort_{i % 4}" for i in range(size)],
            "alteration": [f"alt_{i}" for i in range(size)],
            "n_profiled": n,
            "n_altered": k,
        }
    )


def test_prevalence_matches_scipy_binomtest():
    counts = random_prevalence_counts()
    result = prevalence_ci(counts)
    assert len(result) == len(counts)
    assert list(result.columns) == [*counts.columns, "pct", "ci_low", "ci_high"]
    for row in result.itertuples(index=False):
        n, k = int(row.n_profiled), int(row.n_altered)
        what = f"k={k}, n={n}"
        if n == 0:
            assert math.isnan(row.pct) and math.isnan(row.ci_low) and math.isnan(row.ci_high)
            continue
        ci = sps.binomtest(k, n).proportion_ci(method="exact")
        assert_close(row.pct, 100 * k / n, what)
        assert_close(row.ci_low, 100 * ci.low, what)
        assert_close(row.ci_high, 100 * ci.high, what)
        if k == 0:
            assert row.ci_low == 0.0
        if k == n:
            assert row.ci_high == 100.0


def test_prevalence_other_confidence_level():
    counts = random_prevalence_counts(seed=11).head(40)
    result = prevalence_ci(counts, confidence_level=0.9)
    for row in result.itertuples(index=False):
        n, k = int(row.n_profiled), int(row.n_altered)
        if n == 0:
            continue
        ci = sps.binomtest(k, n).proportion_ci(method="exact", confidence_level=0.9)
        assert_close(row.ci_low, 100 * ci.low, f"k={k}, n={n}")
        assert_close(row.ci_high, 100 * ci.high, f"k={k}, n={n}")


def test_prevalence_is_sorted_and_does_not_mutate_input():
    counts = random_prevalence_counts().sample(frac=1.0, random_state=3)
    before = counts.copy()
    result = prevalence_ci(counts)
    pd.testing.assert_frame_equal(counts, before)
    keys = ["unit", "study_id", "driver_cohort", "alteration"]
    expected = counts.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(result[counts.columns], expected)
    assert result.index.equals(pd.RangeIndex(len(counts)))


@pytest.mark.parametrize(
    ("n_profiled", "n_altered"),
    [(5, 6), (-1, 0), (5, -1), (5.5, 1), (None, 1)],
)
def test_prevalence_rejects_bad_counts(n_profiled, n_altered):
    counts = pd.DataFrame(
        {
            "unit": ["sample"],
            "study_id": ["s"],
            "driver_cohort": ["c"],
            "alteration": ["a"],
            "n_profiled": [n_profiled],
            "n_altered": [n_altered],
        }
    )
    with pytest.raises(ValueError):
        prevalence_ci(counts)


def test_prevalence_requires_columns():
    with pytest.raises(ValueError, match="missing column"):
        prevalence_ci(pd.DataFrame({"n_profiled": [1], "n_altered": [0]}))


# --------------------------------------------------------------------------
# cooccurrence_stats


def random_cooccurrence_counts(seed: int = 42) -> pd.DataFrame:
    """Per-study 2x2 tables with many zero cells, plus pooled 'ALL' rows."""
    rng = np.random.default_rng(seed)
    studies = [f"study_{i}" for i in range(6)]
    rows = []
    for g in range(25):
        gene = f"GENE{g:02d}"
        # Some genes are profiled in a single study only (single stratum).
        n_studies = 1 if g % 5 == 0 else int(rng.integers(2, len(studies) + 1))
        for study in rng.choice(studies, size=n_studies, replace=False):
            scale = rng.choice([0.3, 2.0, 15.0])
            cells = rng.poisson([scale, scale * 2, scale * 3, scale * 40])
            cells[rng.uniform(size=4) < 0.15] = 0
            rows.append([str(study), gene, *cells.tolist()])
    # Hand-made edge cases.
    rows += [
        ["study_0", "EMPTY_ALL", 0, 0, 0, 0],  # all-zero table
        ["study_1", "EMPTY_ALL", 0, 0, 0, 0],
        ["study_0", "NO_GENE", 0, 3, 0, 50],  # gene never altered: empty column
        ["study_1", "NO_GENE", 0, 2, 0, 40],
        ["study_0", "ONE_INFORMATIVE", 4, 1, 2, 30],
        ["study_1", "ONE_INFORMATIVE", 0, 0, 5, 60],  # empty margin: dropped
        ["study_2", "ONE_SAMPLE", 1, 0, 0, 0],  # n = 1, empty margins
        ["study_3", "ONE_SAMPLE", 2, 0, 0, 9],  # a*d > 0, b*c = 0
        ["study_4", "ALL_ZERO_BC", 3, 0, 1, 20],
        ["study_5", "ALL_ZERO_BC", 1, 0, 0, 7],
        ["study_4", "ALL_ZERO_AD", 0, 3, 2, 20],
    ]
    per_study = pd.DataFrame(rows, columns=["study_id", "gene", *CELLS])
    pooled = per_study.groupby("gene", as_index=False)[CELLS].sum().assign(study_id="ALL")
    # A pooled row with no per-study rows at all.
    orphan = pd.DataFrame([["ALL", "ORPHAN", 1, 2, 3, 4]], columns=["study_id", "gene", *CELLS])
    counts = pd.concat([per_study, pooled, orphan], ignore_index=True)
    counts["note"] = "kept"
    return counts.sample(frac=1.0, random_state=1).reset_index(drop=True)


@pytest.fixture(scope="module")
def cooc_counts() -> pd.DataFrame:
    return random_cooccurrence_counts()


@pytest.fixture(scope="module")
def cooc_result(cooc_counts) -> pd.DataFrame:
    return cooccurrence_stats(cooc_counts)


def test_cooccurrence_columns_and_order(cooc_counts, cooc_result):
    new = [
        "log2_odds_ratio",
        "p_value",
        "q_value",
        "tendency",
        "cmh_p_value",
        "cmh_log2_odds_ratio",
    ]
    assert list(cooc_result.columns) == [*cooc_counts.columns, *new]
    assert len(cooc_result) == len(cooc_counts)
    assert cooc_result.index.equals(pd.RangeIndex(len(cooc_result)))
    is_all = (cooc_result["study_id"] == "ALL").to_numpy()
    n_per_study = int((~is_all).sum())
    assert not is_all[:n_per_study].any() and is_all[n_per_study:].all()
    per_study = cooc_result.iloc[:n_per_study]
    pooled = cooc_result.iloc[n_per_study:]
    for part in (per_study, pooled):
        keys = list(zip(part["study_id"], part["gene"], strict=True))
        assert keys == sorted(keys)
    # Same rows as the input, only reordered.
    merged = cooc_counts.merge(cooc_result, on=["study_id", "gene"], suffixes=("", "_out"))
    assert len(merged) == len(cooc_counts)
    for col in [*CELLS, "note"]:
        assert (merged[col] == merged[f"{col}_out"]).all()


def test_log2_odds_ratio_and_tendency(cooc_result):
    for row in cooc_result.itertuples(index=False):
        a, b, c, d = (int(getattr(row, col)) for col in CELLS)
        what = f"{row.study_id}/{row.gene} {a, b, c, d}"
        if has_empty_margin(a, b, c, d):
            assert math.isnan(row.log2_odds_ratio), what
            assert row.tendency is None, what
            continue
        # Haldane-Anscombe: +0.5 to every cell. (statsmodels' shift_zeros=True
        # only replaces the zero cells, which is a different estimator.)
        shift = 0.5 if min(a, b, c, d) == 0 else 0.0
        table = Table2x2(np.array([[a, b], [c, d]]) + shift, shift_zeros=False)
        expected = table.log_oddsratio / math.log(2)
        assert_close(row.log2_odds_ratio, expected, what)
        if expected > 0:
            assert row.tendency == "co-occurrence", what
        elif expected < 0:
            assert row.tendency == "mutual exclusivity", what
        else:
            assert row.tendency is None, what


def test_haldane_correction_applies_to_every_cell():
    counts = pd.DataFrame([["s", "G", 0, 4, 3, 10]], columns=["study_id", "gene", *CELLS])
    result = cooccurrence_stats(counts)
    assert_close(result.at[0, "log2_odds_ratio"], math.log2(0.5 * 10.5 / (4.5 * 3.5)), "haldane")
    assert result.at[0, "tendency"] == "mutual exclusivity"


def test_fisher_p_values(cooc_result):
    for row in cooc_result.itertuples(index=False):
        a, b, c, d = (int(getattr(row, col)) for col in CELLS)
        what = f"{row.study_id}/{row.gene} {a, b, c, d}"
        if has_empty_margin(a, b, c, d):
            assert math.isnan(row.p_value), what
            continue
        expected = sps.fisher_exact([[a, b], [c, d]]).pvalue
        assert_close(row.p_value, expected, what)


def test_q_values_bh_within_study(cooc_result):
    for study, group in cooc_result.groupby("study_id"):
        p = group["p_value"].to_numpy()
        q = group["q_value"].to_numpy()
        finite = ~np.isnan(p)
        assert np.isnan(q[~finite]).all(), study
        expected = multipletests(p[finite], method="fdr_bh")[1]
        np.testing.assert_allclose(q[finite], expected, rtol=TOL, atol=TOL, err_msg=study)


def test_cmh_matches_statsmodels(cooc_result):
    per_study = cooc_result[cooc_result["study_id"] != "ALL"]
    pooled = cooc_result[cooc_result["study_id"] == "ALL"]
    assert per_study["cmh_p_value"].isna().all()
    assert per_study["cmh_log2_odds_ratio"].isna().all()
    checked = 0
    for row in pooled.itertuples(index=False):
        strata = per_study[per_study["gene"] == row.gene]
        tables = [
            np.array([[r.n_both, r.n_erbb2_only], [r.n_gene_only, r.n_neither]])
            for r in strata.itertuples(index=False)
        ]
        informative = [t for t in tables if not has_empty_margin(*t.ravel())]
        if not informative:
            assert math.isnan(row.cmh_p_value), row.gene
            assert math.isnan(row.cmh_log2_odds_ratio), row.gene
            continue
        st = StratifiedTable(informative)
        expected_p = st.test_null_odds(correction=False).pvalue
        with np.errstate(divide="ignore"):
            expected_lor = float(np.log2(st.oddsratio_pooled))
        assert_close(row.cmh_p_value, expected_p, row.gene)
        assert_close(row.cmh_log2_odds_ratio, expected_lor, row.gene)
        checked += 1
    assert checked >= 20


def test_cmh_single_stratum_equals_uncorrected_chi_square(cooc_result):
    # One stratum: CMH is the (n - 1)/n-scaled Pearson chi-square.
    row = cooc_result[(cooc_result["study_id"] == "ALL") & (cooc_result["gene"] == "GENE00")]
    a, b, c, d = (int(row[col].iloc[0]) for col in CELLS)
    if has_empty_margin(a, b, c, d):
        pytest.skip("random single-stratum table has an empty margin")
    n = a + b + c + d
    chi2 = sps.chi2_contingency([[a, b], [c, d]], correction=False).statistic
    expected = sps.chi2.sf(chi2 * (n - 1) / n, df=1)
    assert_close(float(row["cmh_p_value"].iloc[0]), expected, "single stratum")


def test_cmh_edge_cases(cooc_result):
    pooled = cooc_result[cooc_result["study_id"] == "ALL"].set_index("gene")
    for gene in ["EMPTY_ALL", "NO_GENE", "ORPHAN"]:
        assert math.isnan(pooled.at[gene, "cmh_p_value"]), gene
        assert math.isnan(pooled.at[gene, "cmh_log2_odds_ratio"]), gene
    # The empty-margin stratum is dropped: same as the informative one alone.
    one = StratifiedTable([np.array([[4, 1], [2, 30]])])
    assert_close(
        pooled.at["ONE_INFORMATIVE", "cmh_p_value"],
        one.test_null_odds(correction=False).pvalue,
        "ONE_INFORMATIVE",
    )
    assert pooled.at["ALL_ZERO_BC", "cmh_log2_odds_ratio"] == np.inf
    assert pooled.at["ALL_ZERO_AD", "cmh_log2_odds_ratio"] == -np.inf
    # Pooled rows still get their own Fisher test and odds ratio.
    assert not math.isnan(pooled.at["ORPHAN", "p_value"])
    assert math.isnan(pooled.at["EMPTY_ALL", "p_value"])


def test_cooccurrence_other_seeds():
    for seed in [1, 2, 3]:
        result = cooccurrence_stats(random_cooccurrence_counts(seed))
        per_study = result[result["study_id"] != "ALL"]
        for row in result[result["study_id"] == "ALL"].itertuples(index=False):
            strata = per_study[per_study["gene"] == row.gene][CELLS].to_numpy()
            informative = [
                s.reshape(2, 2) for s in strata if not has_empty_margin(*(int(x) for x in s))
            ]
            if not informative:
                assert math.isnan(row.cmh_p_value)
                continue
            expected = StratifiedTable(informative).test_null_odds(correction=False).pvalue
            assert_close(row.cmh_p_value, expected, f"seed {seed} {row.gene}")


def test_cooccurrence_without_pooled_rows():
    counts = pd.DataFrame(
        [["b", "TP53", 3, 5, 20, 100], ["a", "TP53", 0, 9, 4, 80]],
        columns=["study_id", "gene", *CELLS],
    )
    result = cooccurrence_stats(counts)
    assert list(result["study_id"]) == ["a", "b"]
    assert result["cmh_p_value"].isna().all()
    assert result["cmh_log2_odds_ratio"].isna().all()


def test_cooccurrence_does_not_mutate_input(cooc_counts):
    before = cooc_counts.copy()
    cooccurrence_stats(cooc_counts)
    pd.testing.assert_frame_equal(cooc_counts, before)


def test_cooccurrence_rejects_bad_input():
    good = pd.DataFrame([["a", "TP53", 1, 2, 3, 4]], columns=["study_id", "gene", *CELLS])
    with pytest.raises(ValueError, match="unique"):
        cooccurrence_stats(pd.concat([good, good]))
    with pytest.raises(ValueError, match="missing column"):
        cooccurrence_stats(good.drop(columns="n_neither"))
    with pytest.raises(ValueError, match="non-negative"):
        cooccurrence_stats(good.assign(n_both=-1))
    with pytest.raises(ValueError, match="missing values"):
        cooccurrence_stats(good.assign(n_both=np.nan))
    with pytest.raises(ValueError, match="null"):
        cooccurrence_stats(good.assign(gene=None))

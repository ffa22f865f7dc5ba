"""End to end on real TCGA LUAD (../shared): the marts agree with an independent pandas count of
the files, and every statistic equals scipy/statsmodels run on the mart's own counts."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from shared_builds import full_build_of
from statsmodels.stats.contingency_tables import StratifiedTable
from statsmodels.stats.multitest import multipletests

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TCGA = SHARED / "tcga-luad"
STUDY_ID = "luad_tcga_her2lung_ref"
NONSYNONYMOUS = {
    "Missense_Mutation",
    "Nonsense_Mutation",
    "Frame_Shift_Del",
    "Frame_Shift_Ins",
    "In_Frame_Del",
    "In_Frame_Ins",
    "Splice_Site",
    "Translation_Start_Site",
    "Nonstop_Mutation",
}

pytestmark = pytest.mark.skipif(not TCGA.is_dir(), reason="../shared/data/tcga-luad not present")


@pytest.fixture(scope="module")
def tcga_db(tmp_path_factory) -> Path:
    """The study built alone, all of `dbt build` (shared with test_e2e_real_studies.py)."""
    db, result = full_build_of(TCGA, "tcga_luad", tmp_path_factory)
    assert result.ok, result.stdout[-4000:]
    return db


def _case_list(name: str) -> set[str]:
    for line in (TCGA / "case_lists" / name).read_text().splitlines():
        if line.startswith("case_list_ids:"):
            return {s for s in line.split(":", 1)[1].strip().split("\t") if s}
    raise AssertionError(f"no case_list_ids in {name}")


def _clinical(name: str) -> pd.DataFrame:
    return pd.read_csv(
        TCGA / name, sep="\t", comment=None, skiprows=4, dtype=str, keep_default_na=False
    )


@pytest.fixture(scope="module")
def expected() -> pd.DataFrame:
    """Per-patient three-valued flags computed from the files with pandas only."""
    samples = _clinical("data_clinical_sample.txt")
    sequenced, cna, sv = (
        _case_list(f) for f in ("cases_sequenced.txt", "cases_cna.txt", "cases_sv.txt")
    )
    maf = pd.read_csv(
        TCGA / "data_mutations.txt",
        sep="\t",
        dtype=str,
        keep_default_na=False,
        usecols=["Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification"],
    )
    maf = maf[maf["Variant_Classification"].isin(NONSYNONYMOUS)]
    mutated = {
        g: set(maf.loc[maf["Hugo_Symbol"] == g, "Tumor_Sample_Barcode"])
        for g in ("KRAS", "EGFR", "ERBB2")
    }
    cna_table = pd.read_csv(TCGA / "data_CNA.txt", sep="\t", dtype=str, keep_default_na=False)
    erbb2_row = cna_table[cna_table["Hugo_Symbol"] == "ERBB2"].iloc[0]
    amplified = {s for s in cna_table.columns[1:] if erbb2_row[s].strip() == "2"}
    svs = pd.read_csv(TCGA / "data_sv.txt", sep="\t", dtype=str, keep_default_na=False)
    alk = set(
        svs.loc[
            (svs["Site1_Hugo_Symbol"] == "ALK") | (svs["Site2_Hugo_Symbol"] == "ALK"), "Sample_Id"
        ]
    )

    def flag(sample, profiled, altered):
        return (sample in altered) if sample in profiled else None

    rows = []
    for sample, patient in zip(samples["SAMPLE_ID"], samples["PATIENT_ID"], strict=True):
        kras, egfr = (
            flag(sample, sequenced, mutated["KRAS"]),
            flag(sample, sequenced, mutated["EGFR"]),
        )
        alk_fusion = flag(sample, sv, alk)
        positives = [g for g, f in (("KRAS", kras), ("EGFR", egfr), ("ALK", alk_fusion)) if f]
        if len(positives) >= 2:
            cohort = "multiple"
        elif positives:
            cohort = positives[0]
        elif kras is False and egfr is False and alk_fusion is False:
            cohort = "other"
        else:
            cohort = None
        rows.append(
            {
                "patient_id": patient,
                "driver_cohort": cohort,
                "mut": flag(sample, sequenced, mutated["ERBB2"]),
                "amp": flag(sample, cna, amplified),
            }
        )
    return pd.DataFrame(rows)


def _expected_counts(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int]]:
    out = {}
    scopes = {"ALL": frame}
    for cohort, part in frame.dropna(subset=["driver_cohort"]).groupby("driver_cohort"):
        scopes[cohort] = part
    for cohort, part in scopes.items():
        mut = part["mut"].dropna()
        amp = part["amp"].dropna()
        both = part.dropna(subset=["mut", "amp"])
        out[(cohort, "mutation")] = (len(mut), int(mut.astype(bool).sum()))
        out[(cohort, "amplification")] = (len(amp), int(amp.astype(bool).sum()))
        out[(cohort, "mutation_or_amplification")] = (
            len(both),
            int((both["mut"].astype(bool) | both["amp"].astype(bool)).sum()),
        )
        out[(cohort, "mutation_and_amplification")] = (
            len(both),
            int((both["mut"].astype(bool) & both["amp"].astype(bool)).sum()),
        )
    return out


def test_prevalence_counts_equal_an_independent_count_of_the_files(tcga_db, expected):
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        mart = con.execute(
            "select driver_cohort, alteration, n_profiled, n_altered from marts.erbb2_prevalence "
            "where unit = 'patient' and study_id = ?",
            [STUDY_ID],
        ).df()
    got = {(r.driver_cohort, r.alteration): (r.n_profiled, r.n_altered) for r in mart.itertuples()}
    want = _expected_counts(expected)
    assert got == want


def test_tcga_figures_match_published_ranges(tcga_db):
    """TCGA 2014: KRAS ~33%, EGFR ~14%, ERBB2 mutated ~1.7%; ASCO 2024: ERBB2 mut/amp 1-4%,
    ~6% of KRAS/EGFR/ALK-negative tumours. Bands are wide: this is a different (Firehose) call set."""
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        g = con.sql("select * from marts.fct_patient_genomics where is_luad").df()
        prev = con.sql(
            "select * from marts.erbb2_prevalence where unit='patient' and study_id='ALL'"
        ).df()
    kras = g["has_kras_mutation"].dropna().astype(bool).mean()
    egfr = g["has_egfr_mutation"].dropna().astype(bool).mean()
    assert 0.25 <= kras <= 0.40
    assert 0.08 <= egfr <= 0.20
    pct = prev.set_index(["driver_cohort", "alteration"])["pct"]
    assert 0.5 <= pct[("ALL", "mutation")] <= 4.0
    assert 1.0 <= pct[("ALL", "mutation_or_amplification")] <= 6.0
    assert pct[("other", "mutation_or_amplification")] > pct[("ALL", "mutation_or_amplification")]


def test_statistics_equal_independent_computation(tcga_db):
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        prev = con.sql("select * from marts.erbb2_prevalence").df()
        co = con.sql("select * from marts.erbb2_cooccurrence").df()
    for row in prev.itertuples():
        if row.n_profiled == 0:
            assert math.isnan(row.pct) and math.isnan(row.ci_low)
            continue
        ci = stats.binomtest(int(row.n_altered), int(row.n_profiled)).proportion_ci(method="exact")
        assert row.pct == pytest.approx(100 * row.n_altered / row.n_profiled, abs=1e-9)
        assert row.ci_low == pytest.approx(100 * ci.low, abs=1e-9)
        assert row.ci_high == pytest.approx(100 * ci.high, abs=1e-9)
    for _study_id, part in co.groupby("study_id"):
        informative = []
        for row in part.itertuples():
            table = [[row.n_both, row.n_erbb2_only], [row.n_gene_only, row.n_neither]]
            if (
                min(
                    row.n_both + row.n_erbb2_only,
                    row.n_gene_only + row.n_neither,
                    row.n_both + row.n_gene_only,
                    row.n_erbb2_only + row.n_neither,
                )
                == 0
            ):
                assert math.isnan(row.p_value)
                continue
            assert row.p_value == pytest.approx(stats.fisher_exact(table)[1], abs=1e-9)
            informative.append(row)
        q = multipletests([r.p_value for r in informative], method="fdr_bh")[1]
        for r, qv in zip(informative, q, strict=True):
            assert r.q_value == pytest.approx(qv, abs=1e-9)
    pooled = co[co["study_id"] == "ALL"]
    per_study = co[co["study_id"] != "ALL"]
    for row in pooled.itertuples():
        tables = [
            np.array([[r.n_both, r.n_erbb2_only], [r.n_gene_only, r.n_neither]])
            for r in per_study[per_study["gene"] == row.gene].itertuples()
        ]
        tables = [t for t in tables if t.sum(0).min() > 0 and t.sum(1).min() > 0]
        if not tables:
            continue
        expected_p = StratifiedTable(tables).test_null_odds(correction=False).pvalue
        assert row.cmh_p_value == pytest.approx(expected_p, abs=1e-9)


def test_erbb2ip_is_not_counted_as_erbb2(tcga_db):
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        n_erbb2ip_as_erbb2 = con.sql(
            "select count(*) from marts.fct_alterations "
            "where source_gene_symbol = 'ERBB2IP' and gene = 'ERBB2'"
        ).fetchone()[0]
        n_erbin = con.sql(
            "select count(*) from marts.fct_alterations where gene = 'ERBIN'"
        ).fetchone()[0]
    assert n_erbb2ip_as_erbb2 == 0
    assert n_erbin == 12


def test_exon20_insertions_in_oncotator_notation_are_classified(tcga_db):
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        classes = con.sql(
            "select protein_change, erbb2_mutation_class from marts.fct_alterations "
            "where gene = 'ERBB2' and variant_classification = 'In_Frame_Ins'"
        ).df()
    assert len(classes) >= 6
    assert set(classes["erbb2_mutation_class"]) == {"exon20_insertion"}


def test_samples_without_clinical_values_count_with_unknown_clinical(tcga_db):
    with duckdb.connect(str(tcga_db), read_only=True) as con:
        z0 = con.sql(
            "select * from marts.fct_patient_genomics where patient_id like 'TCGA-17-Z0%'"
        ).df()
    assert len(z0) == 52
    assert z0["smoking_status"].eq("unknown").all()
    assert z0["os_event"].isna().all() and z0["os_months"].isna().all()
    assert z0["is_erbb2_mutation_profiled"].all()

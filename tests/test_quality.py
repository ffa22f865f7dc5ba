"""The data-quality suite (issue 6) on corrupted copies of the demo study.

One studies folder holds the clean demo study next to small copies of the demo, each
corrupted in one way the issue lists and given its own cancer_study_identifier. One dbt build
and one `her2lung validate` (both engines) cover them all; each test then asserts that the
right check fails, in the right study, with a message naming study, sample and rule - and
that the clean study trips no error-severity check.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from her2lung import cli, publish, quality, warehouse
from her2lung.demo import write_demo_studies

CLEAN = "her2lung_demo_luad"
ENGINES = {"dbt", "great_expectations"}
OUTSIDE_LOCUS = 37_700_000  # chr17, 144 kb upstream of ERBB2 (GRCh37 37,844,167-37,886,679)
NEGATIVE_OS = "-5.5"


# ------------------------------------------------------------------------ demo file helpers


def _read_table(path: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """(comment/meta lines before the header, header fields, data rows) of a TSV data file."""
    lines = path.read_text().splitlines()
    first = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    header = lines[first].split("\t")
    rows = [line.split("\t") for line in lines[first + 1 :]]
    return lines[:first] + [lines[first]], header, rows


def _write_table(path: Path, head: list[str], rows: list[list[str]]) -> None:
    path.write_text("\n".join(head + ["\t".join(r) for r in rows]) + "\n")


def _copy_study(source: Path, studies: Path, study_id: str) -> Path:
    """A copy of a demo study folder with its own cancer_study_identifier (meta files and case
    lists rewritten; data files untouched)."""
    target = studies / study_id
    shutil.copytree(source, target)
    old = source.name
    for path in [*target.glob("meta_*.txt"), *(target / "case_lists").glob("*.txt")]:
        path.write_text(path.read_text().replace(old, study_id))
    return target


@dataclass
class Planted:
    """What a corruption did, so that the assertions can name it."""

    study_id: str
    sample_id: str
    detail: str = ""


def _maf_rows(study: Path, keep) -> tuple[list[str], list[str], list[list[str]], int]:
    head, header, rows = _read_table(study / "data_mutations.txt")
    col = {name: i for i, name in enumerate(header)}
    index = next(i for i, row in enumerate(rows) if keep(row, col))
    return head, header, rows, index


def corrupt_locus(study: Path) -> Planted:
    """An ERBB2 exon-20 insertion moved outside the ERBB2 locus (still chr17, still ERBB2)."""
    head, header, rows, i = _maf_rows(
        study,
        lambda r, c: (
            r[c["Hugo_Symbol"]] == "ERBB2" and r[c["Variant_Classification"]] == "In_Frame_Ins"
        ),
    )
    col = {name: k for k, name in enumerate(header)}
    rows[i][col["Start_Position"]] = str(OUTSIDE_LOCUS)
    rows[i][col["End_Position"]] = str(OUTSIDE_LOCUS + 1)
    _write_table(study / "data_mutations.txt", head, rows)
    return Planted(study.name, rows[i][col["Tumor_Sample_Barcode"]], rows[i][col["HGVSp_Short"]])


def corrupt_erbb2ip(study: Path) -> Planted:
    """An ERBB2IP (ERBIN, chr5) row carrying ERBB2's Entrez id 2064: a neighbouring symbol
    that must not be counted as ERBB2 without a trace."""
    head, header, rows, i = _maf_rows(study, lambda r, c: r[c["Hugo_Symbol"]] == "ERBB2IP")
    col = {name: k for k, name in enumerate(header)}
    rows[i][col["Entrez_Gene_Id"]] = "2064"
    _write_table(study / "data_mutations.txt", head, rows)
    return Planted(study.name, rows[i][col["Tumor_Sample_Barcode"]], "ERBB2IP")


def corrupt_cna_unprofiled(study: Path) -> Planted:
    """CNA 2 for ERBB2 in a sample whose copy-number panel lacks ERBB2 (not profiled)."""
    _, m_header, m_rows = _read_table(study / "data_gene_panel_matrix.txt")
    panel_genes = {}
    for panel_file in study.glob("data_gene_panel_*.txt"):
        if panel_file.name == "data_gene_panel_matrix.txt":
            continue
        text = panel_file.read_text()
        panel_id = re.search(r"^stable_id:\s*(\S+)", text, re.M).group(1)
        genes = re.search(r"^gene_list:\s*(.*)$", text, re.M).group(1).split()
        panel_genes[panel_id] = set(genes)
    cna_col = m_header.index("cna")
    unprofiled = {
        r[0] for r in m_rows if r[cna_col] in panel_genes and "ERBB2" not in panel_genes[r[cna_col]]
    }
    head, header, rows = _read_table(study / "data_CNA.txt")
    sample = next(s for s in header[2:] if s in unprofiled)
    erbb2 = next(r for r in rows if r[0] == "ERBB2")
    erbb2[header.index(sample)] = "2"
    _write_table(study / "data_CNA.txt", head, rows)
    return Planted(study.name, sample, "CNA 2")


def corrupt_duplicate(study: Path) -> Planted:
    """Two duplicates of one ERBB2 mutation: an exact copy of its MAF line (staging quarantines
    it) and a copy under the alias HER2 (survives staging, so the facts hold it twice)."""
    head, header, rows, i = _maf_rows(
        study,
        lambda r, c: (
            r[c["Hugo_Symbol"]] == "ERBB2" and r[c["Variant_Classification"]] == "In_Frame_Ins"
        ),
    )
    col = {name: k for k, name in enumerate(header)}
    exact = list(rows[i])
    alias = list(rows[i])
    alias[col["Hugo_Symbol"]] = "HER2"
    rows += [exact, alias]
    _write_table(study / "data_mutations.txt", head, rows)
    return Planted(study.name, rows[i][col["Tumor_Sample_Barcode"]], rows[i][col["HGVSp_Short"]])


def corrupt_negative_os(study: Path) -> Planted:
    """A negative OS_MONTHS (staging quarantines the patient row)."""
    head, header, rows = _read_table(study / "data_clinical_patient.txt")
    col = {name: k for k, name in enumerate(header)}
    row = next(
        r
        for r in rows
        if r[col["OS_MONTHS"]] not in ("", "NA") and not r[col["OS_MONTHS"]].startswith("-")
    )
    row[col["OS_MONTHS"]] = NEGATIVE_OS
    _write_table(study / "data_clinical_patient.txt", head, rows)
    return Planted(study.name, row[col["PATIENT_ID"]], "OS_MONTHS")


CORRUPTIONS = {
    "qa_locus": corrupt_locus,
    "qa_erbb2ip": corrupt_erbb2ip,
    "qa_cna_unprofiled": corrupt_cna_unprofiled,
    "qa_duplicate": corrupt_duplicate,
    "qa_negative_os": corrupt_negative_os,
}


# --------------------------------------------------------------------------------- fixture


@dataclass
class Suite:
    db: Path  # the published path (the build is not published: it fails)
    candidate: Path
    quality_dir: Path
    target: Path
    planted: dict[str, Planted]
    build_ok: bool
    validate_rc: int
    stdout: str
    checks: list[dict]
    failures: list[dict]

    def failing(self, check: str, study_id: str, engine: str | None = None) -> list[dict]:
        return [
            f
            for f in self.failures
            if f["check"].split(" (")[0] == check
            and f["study_id"] == study_id
            and (engine is None or f["engine"] == engine)
        ]


@pytest.fixture(scope="module")
def suite(tmp_path_factory) -> Suite:
    root = tmp_path_factory.mktemp("quality")
    studies = root / "studies"
    write_demo_studies(studies)  # the clean demo, full size
    small = root / "small"
    write_demo_studies(small, n_patients=300)  # corrupted copies: small, to build fast
    planted = {
        study_id: corrupt(_copy_study(small / CLEAN, studies, study_id))
        for study_id, corrupt in CORRUPTIONS.items()
    }
    db = root / "warehouse" / "her2lung.duckdb"
    target = root / "target"
    # the survival analysis models and dbt unit tests check nothing here: leave them out (speed)
    result = warehouse.run_dbt(
        ["build", "--exclude", "path:models/analysis", "--exclude-resource-type", "unit_test"],
        studies_dir=studies,
        db_path=db,
        target_path=target,
    )
    assert result.run_results is not None, result.stdout[-3000:]
    quality_dir = root / "quality"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        rc = cli.main(
            [
                "validate",
                "--db",
                str(db),
                "--dbt-target",
                str(target),
                "--quality-dir",
                str(quality_dir),
            ]
        )
    candidate = publish.candidate_path(db)
    con = duckdb.connect(str(candidate), read_only=True)
    try:
        checks = con.execute('select * from quality.check_results order by "check", engine').df()
        failures = con.execute("select * from quality.check_failures").df()
    finally:
        con.close()
    return Suite(
        db=db,
        candidate=candidate,
        quality_dir=quality_dir,
        target=target,
        planted=planted,
        build_ok=result.ok,
        validate_rc=rc,
        stdout=out.getvalue(),
        checks=checks.to_dict("records"),
        failures=failures.to_dict("records"),
    )


# ----------------------------------------------------------------------------------- tests

# corruption -> (check, engines that must catch it, severity, what the message must say)
EXPECTED = {
    "qa_locus": ("erbb2_variant_in_locus", ENGINES, "error", r"outside the ERBB2 locus|start_position = 37700000"),
    "qa_erbb2ip": ("erbb2_symbol_entrez_agree", ENGINES, "error", r"ERBB2IP"),
    "qa_cna_unprofiled": ("erbb2_call_on_profiled_sample", ENGINES, "error", r"not profiled for ERBB2 copy number|is_profiled = False"),
    "qa_duplicate": ("mutation_not_duplicated", ENGINES, "error", r"2 mutation rows \(ERBB2\)|ERBB2|tumor_seq_allele2"),
    "qa_negative_os": ("quarantined_rows_named", ENGINES, "warn", r"OS_MONTHS -5\.5 is negative"),
}  # fmt: skip


@pytest.mark.parametrize("study_id", sorted(EXPECTED))
def test_each_corruption_fails_its_check_with_a_message_naming_study_sample_and_rule(
    suite: Suite, study_id: str
):
    check, engines, severity, pattern = EXPECTED[study_id]
    planted = suite.planted[study_id]
    for engine in engines:
        found = suite.failing(check, study_id, engine)
        assert found, f"{engine} check {check} did not flag study {study_id}"
        named = [f for f in found if f["subject_id"] == planted.sample_id]
        assert named, f"{engine} {check}: no failure names {planted.sample_id}: {found[:3]}"
        message = named[0]["message"]
        assert f"[{check}" in message, message  # the rule
        assert f"study {study_id}" in message, message  # the study
        assert planted.sample_id in message, message  # the sample / patient
        assert re.search(pattern, message), message  # what is wrong
        assert all(f["severity"] == severity for f in found)
    statuses = {
        (c["check"].split(" (")[0], c["engine"]): c["status"]
        for c in suite.checks
        if c["status"] == "fail"
    }
    for engine in engines:
        assert statuses.get((check, engine)) == "fail"


def test_dbt_messages_give_the_whole_story(suite: Suite):
    """The dbt messages say what is wrong in words a curator can act on."""
    locus = suite.failing("erbb2_variant_in_locus", "qa_locus", "dbt")[0]["message"]
    assert (
        "37700000" in locus
        and "17:37844167-37886679" in locus
        and "data_mutations.txt line" in locus
    )
    erbb2ip = suite.failing("erbb2_symbol_entrez_agree", "qa_erbb2ip", "dbt")[0]["message"]
    assert "Hugo_Symbol 'ERBB2IP' names ERBIN but Entrez_Gene_Id 2064 names ERBB2" in erbb2ip
    cna = suite.failing("erbb2_call_on_profiled_sample", "qa_cna_unprofiled", "dbt")[0]["message"]
    assert "ERBB2 amplification" in cna and "(CNA 2.0)" in cna and "gene_panel:" in cna


def test_the_exact_duplicate_is_quarantined_and_named(suite: Suite):
    planted = suite.planted["qa_duplicate"]
    for engine in ENGINES:
        named = [
            f
            for f in suite.failing("quarantined_rows_named", "qa_duplicate", engine)
            if f["subject_id"] == planted.sample_id
        ]
        assert named and "duplicate mutation" in named[0]["message"], named


def test_a_negative_os_is_not_a_survival_input(suite: Suite):
    """The quarantined patient keeps no OS time, so the survival checks themselves pass."""
    planted = suite.planted["qa_negative_os"]
    con = duckdb.connect(str(suite.candidate), read_only=True)
    try:
        os_months = con.execute(
            "select os_months from marts.dim_patients where study_id = ? and patient_id = ?",
            [planted.study_id, planted.sample_id],
        ).fetchall()
    finally:
        con.close()
    assert os_months in ([], [(None,)])
    assert not suite.failing("os_months_non_negative", "qa_negative_os")


def test_erbb2ip_rows_never_count_as_erbb2(suite: Suite):
    """Untouched ERBB2IP rows (Entrez 55914) resolve to ERBIN in every study and trip nothing."""
    con = duckdb.connect(str(suite.candidate), read_only=True)
    try:
        genes = dict(
            con.execute(
                "select entrez_gene_id, string_agg(distinct gene, ',') from marts.fct_alterations "
                "where upper(source_gene_symbol) = 'ERBB2IP' group by all"
            ).fetchall()
        )
    finally:
        con.close()
    assert genes[55914] == "ERBIN"
    assert genes[2064] == "ERBB2"  # only the planted row, which erbb2_symbol_entrez_agree names
    erbb2ip = [f for f in suite.failures if "ERBB2IP" in f["message"]]
    assert {f["study_id"] for f in erbb2ip} == {"qa_erbb2ip"}


def test_the_clean_demo_passes_every_error_check(suite: Suite):
    error_checks = [c for c in suite.checks if c["severity"] == "error"]
    assert {c["engine"] for c in error_checks} == ENGINES
    # every error check ran (none skipped or broken by the corrupted neighbours)
    assert all(c["status"] in ("pass", "fail") for c in error_checks), [
        (c["check"], c["status"], c["message"])
        for c in error_checks
        if c["status"] not in ("pass", "fail")
    ]
    error_failures = [f for f in suite.failures if f["severity"] == "error"]
    assert [f for f in error_failures if f["study_id"] == CLEAN] == []
    # the error checks that fail, fail for the corrupted studies only
    assert {f["study_id"] for f in error_failures} <= set(CORRUPTIONS)
    failed = {c["check"].split(" (")[0] for c in error_checks if c["status"] == "fail"}
    assert failed >= {EXPECTED[s][0] for s in EXPECTED if EXPECTED[s][2] == "error"}


def test_warnings_on_the_clean_demo_are_the_planted_ones(suite: Suite):
    """The demo plants quarantined rows (quarantined_rows_named) and deceased patients without
    OS time (os_event_has_time); nothing else warns for it."""
    warned = {f["check"] for f in suite.failures if f["study_id"] == CLEAN}
    assert warned == {"quarantined_rows_named", "os_event_has_time"}


def test_results_are_recorded_for_both_engines_and_readable_after_a_failed_build(suite: Suite):
    assert not suite.build_ok  # error-severity dbt tests failed ...
    assert not suite.db.exists()  # ... so nothing was published
    assert suite.validate_rc == 1
    assert "BLOCKING" in suite.stdout and "Quality checks" in suite.stdout
    columns = set(suite.checks[0])
    assert {
        "check",
        "engine",
        "severity",
        "status",
        "n_failing",
        "example_ids",
        "run_at",
    } <= columns
    assert {c["engine"] for c in suite.checks} == ENGINES
    assert {c["severity"] for c in suite.checks} <= {"error", "warn"}
    failing = [c for c in suite.checks if c["status"] == "fail"]
    assert all(c["n_failing"] > 0 and c["example_ids"] for c in failing)
    report = json.loads((suite.quality_dir / "check_results.json").read_text())
    assert report["ok"] is False and len(report["checks"]) == len(suite.checks)
    assert (suite.quality_dir / "report.html").read_text().count("erbb2_variant_in_locus") >= 2
    docs = suite.quality_dir / "data_docs"
    assert (docs / "index.html").is_file()
    assert list((docs / "validations").rglob("*.html"))


def test_every_rejected_model_is_covered_by_the_quarantine_check(suite: Suite):
    manifest = json.loads((suite.target / "manifest.json").read_text())
    rejected = {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["name"].endswith("_rejected")
    }
    test = next(
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "test" and n["name"] == "quarantined_rows_named"
    )
    covered = {node.split(".")[-1] for node in test["depends_on"]["nodes"]}
    assert rejected and rejected <= covered


def test_dbt_results_are_read_with_dbt_verdict_and_failing_rows():
    """Unit test of the dbt side on hand-made artifacts: status and count are dbt's, severity
    comes from the manifest, failing rows from re-running the compiled SQL."""
    con = duckdb.connect()
    quality_sql = (
        "select 'r' as rule, 's1' as study_id, 'sample' as subject_type, 'x1' as subject_id, "
        "'[r] study s1, sample x1: wrong' as message"
    )
    run_results = {
        "results": [
            {"unique_id": "test.p.r.1", "status": "warn", "failures": 1, "compiled_code": quality_sql},
            {"unique_id": "test.p.other.2", "status": "fail", "failures": 2,
             "compiled_code": "select * from (values ('s2', 'P1'), ('s2', 'P2')) t(study_id, patient_id)",
             "message": "Got 2 results, configured to fail if != 0"},
            {"unique_id": "test.p.ok.3", "status": "pass", "failures": 0, "compiled_code": "select 1"},
            {"unique_id": "test.p.later.4", "status": "skipped", "failures": None},
            {"unique_id": "model.p.m", "status": "success"},
        ]
    }  # fmt: skip
    manifest = {
        "nodes": {
            "test.p.r.1": {"name": "r", "config": {"severity": "WARN"}, "tags": ["quality"]},
            "test.p.other.2": {"name": "other", "config": {"severity": "ERROR"}, "tags": []},
            "test.p.ok.3": {"name": "ok", "config": {"severity": "ERROR"}, "tags": []},
            "test.p.later.4": {"name": "later", "config": {"severity": "error"}, "tags": []},
        }
    }
    checks, failures = quality.dbt_check_results(run_results, manifest, con)
    by_name = {c.check: c for c in checks}
    assert set(by_name) == {"r", "other", "ok", "later"}
    r, other = by_name["r"], by_name["other"]
    assert (r.severity, r.status, r.n_failing, r.is_blocking) == ("warn", "fail", 1, False)
    assert r.example_ids == ("s1:x1",) and r.message == "[r] study s1, sample x1: wrong"
    assert (other.severity, other.status, other.n_failing, other.is_blocking) == (
        "error",
        "fail",
        2,
        True,
    )
    assert other.example_ids == ("s2:P1", "s2:P2") and not other.is_quality_suite
    assert by_name["ok"].status == "pass" and by_name["ok"].n_failing == 0
    assert by_name["later"].status == "skipped" and by_name["later"].n_failing is None
    assert [f.subject_id for f in failures] == ["x1", "P1", "P2"]

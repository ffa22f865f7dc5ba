"""Incremental refresh: a rebuild reads only new and changed files
(macros/io/incremental_files.sql), the models built by study stage again only new and changed
studies (macros/io/incremental_studies.sql), a changed or removed study replaces exactly its
rows, and `--full-refresh` on the same warehouse gives the same tables.

The same builds serve the benchmark at small scale as a correctness test
(benchmarks/run_benchmark.py measures; this only checks): the incrementally built warehouse,
the plain-DuckDB floor and the pandas implementation give the same ERBB2 prevalence table.
Timings are not asserted. A study built again because a panel it uses changed elsewhere:
test_incremental_panels.py."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from helpers_incremental import (
    BY_STUDY,
    NO_TESTS,
    RAW_LINE_MODELS,
    compiled_model,
    compiled_raw,
    dbt_build,
    fetch_all,
    rows_by_folder,
    study_ids,
    verified_studies,
)

from her2lung.demo import write_demo_studies
from her2lung.publish import candidate_path
from her2lung.warehouse import run_dbt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import prevalence_duckdb  # noqa: E402
import prevalence_pandas  # noqa: E402
from run_benchmark import agreement, built_db, diff_fingerprints, fingerprints  # noqa: E402

pytestmark = pytest.mark.slow

# a discrete CNA value -> another of the same width
SAME_WIDTH_CNA_VALUE = {"0": "1", "1": "0", "2": "1", "-1": "-2", "-2": "-1"}


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("incremental")
    data = root / "data"
    write_demo_studies(data, scale="small")
    a, b, c, d = sorted(p for p in data.iterdir() if p.is_dir())
    studies = root / "studies"
    studies.mkdir()
    (studies / a.name).symlink_to(a)
    shutil.copytree(b, studies / b.name)  # a real copy: it is edited below
    (studies / c.name).symlink_to(c)
    db, target = root / "her2lung.duckdb", root / "target"
    dbt_build(["build"], studies, db, target)  # with the tests: they verify a, b and c
    before = {
        m: rows_by_folder(built_db(db), f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS
    }

    # change study b (drop its last mutation row, edit one CNA value), remove c, add d
    maf = studies / b.name / "data_mutations.txt"
    lines = maf.read_text().splitlines(keepends=True)
    maf.write_text("".join(lines[:-1]))
    # the CNA edit keeps the file's size and modification time: only its content tells
    cna = studies / b.name / "data_CNA.txt"
    text = cna.read_text()
    header, first, rest = text.split("\n", 2)
    cells = first.split("\t")
    cells[2] = SAME_WIDTH_CNA_VALUE[cells[2]]
    stat = cna.stat()
    cna.write_text("\n".join([header, "\t".join(cells), rest]))
    os.utime(cna, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (cna.stat().st_size, cna.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    # a's MAF rewritten with the same bytes, a minute later: not a change
    a_maf = studies / a.name / "data_mutations.txt"
    a_maf.write_bytes(a_maf.read_bytes())
    a_stat = a_maf.stat()
    os.utime(a_maf, ns=(a_stat.st_atime_ns, a_stat.st_mtime_ns + 60_000_000_000))
    (studies / c.name).unlink()
    (studies / d.name).symlink_to(d)
    dbt_build(["build"], studies, db, target)  # with the data and unit tests of `dbt build`
    incremental = fingerprints(built_db(db))
    floor_csv, pandas_csv = root / "floor.csv", root / "pandas.csv"
    prevalence_duckdb.prevalence(studies).to_csv(floor_csv, index=False)
    prevalence_pandas.prevalence(studies).to_csv(pandas_csv, index=False)
    agree = agreement(built_db(db), floor_csv, pandas_csv)
    (loaded,) = fetch_all(
        built_db(db),
        "select count(*), count(*) filter (where is_loaded), "
        "list(distinct split_part(source_file, '/', 1)) "
        "from raw.raw_cbioportal__loaded_files where model_name = 'raw_cbioportal__mutations_lines'",
    )
    compiled = {m: compiled_raw(target, f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS}
    compiled_by_study = {m: compiled_model(target, m) for m in BY_STUDY}
    built_studies = fetch_all(
        built_db(db), "select model_name, study_id, is_built from raw.raw_cbioportal__built_studies"
    )
    ids_by_folder = study_ids(built_db(db))
    after = {m: rows_by_folder(built_db(db), f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS}
    unique_test = next(target.glob("compiled/**/unique_fct_alterations_alteration_id.sql"))
    scoped = {
        "unique_test": unique_test.read_text(),
        "verified": verified_studies(built_db(db)),
    }

    # a failing test on a study's rows: the study stays unverified, so it is tested again
    # (on a copy of the warehouse, which the failed builds leave unpublishable)
    kept = ids_by_folder[a.name]
    spoilt = root / "spoilt" / "her2lung.duckdb"
    candidate = candidate_path(spoilt)
    candidate.parent.mkdir()
    shutil.copyfile(candidate_path(db), candidate)
    con = duckdb.connect(str(candidate))
    con.execute(
        "insert into marts.fct_alterations select * from marts.fct_alterations "
        "where study_id = ? limit 1",
        [kept],
    )
    con.execute(
        "update raw.raw_cbioportal__built_studies set is_verified = false "
        "where model_name = 'fct_alterations' and study_id = ?",
        [kept],
    )
    con.close()
    failing = []
    for _ in range(2):
        result = run_dbt(
            ["build", "--select", "fct_alterations"],
            studies_dir=studies,
            db_path=spoilt,
            target_path=root / "spoilt" / "target",
        )
        failing.append((result.ok, [f["node"] for f in result.failures()]))
    scoped["failing_builds"] = failing
    scoped["verified_after_failures"] = verified_studies(candidate)

    dbt_build([*NO_TESTS, "--full-refresh"], studies, db, target)
    return {
        "names": (a.name, b.name, c.name, d.name),
        "maf_lines": len(lines),
        "before": before,
        "after": after,
        "compiled": compiled,
        "compiled_by_study": compiled_by_study,
        "built_studies": built_studies,
        "study_ids": ids_by_folder,
        "incremental": incremental,
        "full_refresh": fingerprints(built_db(db)),
        "full_refresh_compiled": compiled_raw(target, "raw_cbioportal__mutations_lines"),
        "agreement": agree,
        "loaded_mutation_files": loaded,
        "scoped": scoped,
    }


def test_unchanged_files_are_not_read_again(refreshed):
    """Unchanged means the same content: a's MAF, rewritten with the same bytes and a new
    modification time, is kept; b's CNA file, edited with its size and time kept, is read."""
    a, b, c, d = refreshed["names"]
    sql = refreshed["compiled"]
    assert f"{a}/" not in sql["mutations"] and f"{a}/" not in sql["cna_discrete"]
    # b changed only in its MAF and CNA files: its sample file and panel matrix are kept
    assert f"{b}/data_mutations.txt" in sql["mutations"]
    assert f"{b}/data_CNA.txt" in sql["cna_discrete"]
    assert f"{b}/" not in sql["clinical_sample"] and f"{b}/" not in sql["gene_panel_matrix"]
    assert f"{d}/data_mutations.txt" in sql["mutations"]
    assert f"{c}/" not in sql["mutations"]


def test_only_new_and_changed_studies_are_staged_again(refreshed):
    """The models built by study keep the unchanged study's rows and compute the changed and
    added ones only (the compiled SQL lists them; the kept study is not named); the removed
    study is gone from the bookkeeping, and every recorded study is marked built."""
    folders = refreshed["names"]
    a, b, d = (refreshed["study_ids"][folders[i]] for i in (0, 1, 3))  # c was removed
    to_build = ", ".join(f"'{s}'" for s in sorted([b, d]))
    for model in BY_STUDY:
        sql = refreshed["compiled_by_study"][model]
        assert f"(study_id is null or study_id in ({to_build}))" in sql, model
        assert f"'{a}'" not in sql, model
        recorded = {(s, built) for m, s, built in refreshed["built_studies"] if m == model}
        assert recorded == {(a, True), (b, True), (d, True)}, model


def test_changed_and_removed_studies_replace_exactly_their_rows(refreshed):
    a, b, c, d = refreshed["names"]
    before, after = refreshed["before"], refreshed["after"]
    for model in RAW_LINE_MODELS:
        assert after[model][a] == before[model][a]
        assert c not in after[model]
        assert after[model][d] > 0
    assert after["mutations"][b] == before["mutations"][b] - 1
    assert after["cna_discrete"][b] == before["cna_discrete"][b]


def test_full_refresh_gives_the_same_tables(refreshed):
    assert ("raw", "raw_cbioportal__mutations_lines") in refreshed["incremental"]
    assert diff_fingerprints(refreshed["full_refresh"], refreshed["incremental"]) == []
    a, b, c, d = refreshed["names"]
    assert f"{a}/data_mutations.txt" in refreshed["full_refresh_compiled"]


def test_three_implementations_agree(refreshed):
    report = refreshed["agreement"]
    assert report["rows"] > 100
    assert report["floor"] == "agrees", report
    assert report["pandas"] == "agrees", report


def test_loaded_files_record_every_file(refreshed):
    a, b, c, d = refreshed["names"]
    n_files, n_loaded, folders = refreshed["loaded_mutation_files"]
    assert (n_files, n_loaded, sorted(folders)) == (3, 3, sorted([a, b, d]))


def test_data_tests_check_only_studies_not_yet_verified(refreshed):
    """The tests of a model built by study check the rows of studies its tests have not yet
    passed on (macros/tests/study_scope.sql): after the first build verified a, b and c, the
    rebuild tests b (changed) and d (added), not a; then every kept study is verified."""
    folders = refreshed["names"]
    a, b, d = (refreshed["study_ids"][folders[i]] for i in (0, 1, 3))
    scoped = refreshed["scoped"]
    to_check = ", ".join(f"'{s}'" for s in sorted([b, d]))
    assert f"(study_id is null or study_id in ({to_check}))" in scoped["unique_test"]
    assert f"'{a}'" not in scoped["unique_test"]
    for model in (
        "fct_alterations",
        "stg_cbioportal__copy_number_alterations",
        "stg_cbioportal__mutations",
    ):
        assert scoped["verified"][model] == {a, b, d}, model
    # models without data tests are never verified, so nothing of theirs is left untested
    assert scoped["verified"].get("int_samples__genomics", set()) == set()


def test_a_failing_test_keeps_its_study_unverified(refreshed):
    """A duplicated alteration of study a, once a is no longer verified, fails the uniqueness
    test in every build until fixed; a failed test verifies nothing."""
    folders = refreshed["names"]
    a, b, d = (refreshed["study_ids"][folders[i]] for i in (0, 1, 3))
    scoped = refreshed["scoped"]
    for ok, failed in scoped["failing_builds"]:
        assert not ok
        assert any("unique_fct_alterations_alteration_id" in node for node in failed), failed
    assert scoped["verified_after_failures"]["fct_alterations"] == {b, d}


def test_every_model_built_by_study_is_checked_here():
    """BY_STUDY (the models whose compiled SQL and bookkeeping the tests above check) lists
    every model with the built-by-study post-hook, and their folders."""
    models = Path(__file__).resolve().parents[1] / "models"
    hooked = {
        path.stem: str(path.parent.relative_to(models))
        for path in models.rglob("*.sql")
        if "her2lung_mark_studies_built" in path.read_text()
    }
    assert hooked == BY_STUDY

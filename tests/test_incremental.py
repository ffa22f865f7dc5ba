"""Incremental refresh: a rebuild reads only new and changed files
(macros/io/incremental_files.sql), the models built by study stage again only new and changed
studies (macros/io/incremental_studies.sql), a changed or removed study replaces exactly its
rows, and `--full-refresh` on the same warehouse gives the same tables.

The same builds serve the benchmark at small scale as a correctness test
(benchmarks/run_benchmark.py measures; this only checks): the incrementally built warehouse,
the plain-DuckDB floor and the pandas implementation give the same ERBB2 prevalence table.
Timings are not asserted."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from her2lung.demo import write_demo_studies
from her2lung.warehouse import run_dbt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import prevalence_duckdb  # noqa: E402
import prevalence_pandas  # noqa: E402
from run_benchmark import agreement, built_db, diff_fingerprints, fingerprints  # noqa: E402

pytestmark = pytest.mark.slow

# what `dbt build` does but the tests
NO_TESTS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
RAW_LINE_MODELS = ("mutations", "clinical_sample", "cna_discrete", "gene_panel_matrix")


def _build(args: list[str], studies: Path, db: Path, target: Path) -> None:
    result = run_dbt(args, studies_dir=studies, db_path=db, target_path=target)
    assert result.ok, result.stdout[-4000:] + str(result.failures())


def _compiled(target: Path, model: str) -> str:
    return (target / "compiled" / "her2lung" / "models" / "raw" / f"{model}.sql").read_text()


# models built by study, by path under models/
BY_STUDY = {
    "base_cbioportal__samples": "staging/cbioportal/base",
    "base_cbioportal__patients": "staging/cbioportal/base",
    "base_cbioportal__gene_panels": "staging/cbioportal/base",
    "base_cbioportal__mutations": "staging/cbioportal/base",
    "stg_cbioportal__copy_number_alterations": "staging/cbioportal",
    "stg_cbioportal__case_lists": "staging/cbioportal",
    "fct_alterations": "marts/core",
    "fct_gene_profiling": "marts/core",
    "int_samples__genomics": "intermediate",
    "int_samples__gene_status": "intermediate",
    "qa_erbb2_raw_mutations": "quality",
    "qa_erbb2_provenance": "quality",
    "qa_erbb2_gene_identity": "quality",
}


def _compiled_model(target: Path, model: str) -> str:
    path = target / "compiled" / "her2lung" / "models" / BY_STUDY[model] / f"{model}.sql"
    return path.read_text()


def _study_ids(db: Path) -> dict[str, str]:
    """study folder -> study id."""
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        "select study_folder, meta_value from raw.raw_cbioportal__meta_lines "
        "where meta_key = 'cancer_study_identifier'"
    ).fetchall()
    con.close()
    return dict(rows)


def _rows_by_folder(db: Path, table: str) -> dict[str, int]:
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute(
        f"select split_part(source_file, '/', 1), count(*) from raw.{table} group by 1"
    ).fetchall()
    con.close()
    return dict(rows)


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
    db, target = root / "w.duckdb", root / "target"
    _build(NO_TESTS, studies, db, target)
    before = {
        m: _rows_by_folder(built_db(db), f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS
    }

    # change study b (drop its last mutation row, edit one CNA value), remove c, add d
    maf = studies / b.name / "data_mutations.txt"
    lines = maf.read_text().splitlines(keepends=True)
    maf.write_text("".join(lines[:-1]))
    cna = studies / b.name / "data_CNA.txt"
    text = cna.read_text()
    header, first, rest = text.split("\n", 2)
    cells = first.split("\t")
    cells[2] = "-1" if cells[2] != "-1" else "1"
    stat = cna.stat()
    cna.write_text("\n".join([header, "\t".join(cells), rest]))
    os.utime(cna, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    (studies / c.name).unlink()
    (studies / d.name).symlink_to(d)
    _build(["build"], studies, db, target)  # with the data and unit tests of `dbt build`
    incremental = fingerprints(built_db(db))
    floor_csv, pandas_csv = root / "floor.csv", root / "pandas.csv"
    prevalence_duckdb.prevalence(studies).to_csv(floor_csv, index=False)
    prevalence_pandas.prevalence(studies).to_csv(pandas_csv, index=False)
    agree = agreement(built_db(db), floor_csv, pandas_csv)
    con = duckdb.connect(str(built_db(db)), read_only=True)
    loaded = con.execute(
        "select count(*), count(*) filter (where is_loaded), "
        "list(distinct split_part(source_file, '/', 1)) "
        "from raw.raw_cbioportal__loaded_files where model_name = 'raw_cbioportal__mutations_lines'"
    ).fetchone()
    con.close()
    compiled = {m: _compiled(target, f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS}
    compiled_by_study = {m: _compiled_model(target, m) for m in BY_STUDY}
    con = duckdb.connect(str(built_db(db)), read_only=True)
    built_studies = con.execute(
        "select model_name, study_id, is_built from raw.raw_cbioportal__built_studies"
    ).fetchall()
    con.close()
    study_ids = _study_ids(built_db(db))
    after = {
        m: _rows_by_folder(built_db(db), f"raw_cbioportal__{m}_lines") for m in RAW_LINE_MODELS
    }

    _build([*NO_TESTS, "--full-refresh"], studies, db, target)
    return {
        "names": (a.name, b.name, c.name, d.name),
        "maf_lines": len(lines),
        "before": before,
        "after": after,
        "compiled": compiled,
        "compiled_by_study": compiled_by_study,
        "built_studies": built_studies,
        "study_ids": study_ids,
        "incremental": incremental,
        "full_refresh": fingerprints(built_db(db)),
        "full_refresh_compiled": _compiled(target, "raw_cbioportal__mutations_lines"),
        "agreement": agree,
        "loaded_mutation_files": loaded,
    }


def test_unchanged_files_are_not_read_again(refreshed):
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


@pytest.fixture(scope="module")
def panel_moved(tmp_path_factory) -> dict:
    """Study a uses a gene panel defined only in study b's folder; the panel then changes in b
    (ERBB2 leaves its gene list) while a's own files stay as they were; study c is untouched."""
    root = tmp_path_factory.mktemp("panel-context")
    data = root / "data"
    write_demo_studies(data, scale="small")
    a, b, c = sorted(p for p in data.iterdir() if p.is_dir())[:3]
    studies = root / "studies"
    shutil.copytree(a, studies / a.name)
    shutil.copytree(b, studies / b.name)
    studies.joinpath(c.name).symlink_to(c)
    panel = sorted((studies / a.name).glob("data_gene_panel_*.txt"))[0]
    assert "matrix" not in panel.name
    moved = studies / b.name / panel.name
    panel.rename(moved)
    db, target = root / "w.duckdb", root / "target"
    _build(NO_TESTS, studies, db, target)
    ids = _study_ids(built_db(db))
    profiled_before = _erbb2_mutation_profiled(built_db(db), ids[a.name])

    text = moved.read_text()
    assert "\tERBB2\t" in text
    stat = moved.stat()
    moved.write_text(text.replace("\tERBB2\t", "\t"))
    os.utime(moved, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    _build(NO_TESTS, studies, db, target)
    incremental = fingerprints(built_db(db))
    profiled_after = _erbb2_mutation_profiled(built_db(db), ids[a.name])
    genomics_sql = _compiled_model(target, "int_samples__genomics")
    _build([*NO_TESTS, "--full-refresh"], studies, db, target)
    return {
        "studies": (ids[a.name], ids[b.name], ids[c.name]),
        "profiled": (profiled_before, profiled_after),
        "genomics_sql": genomics_sql,
        "incremental": incremental,
        "full_refresh": fingerprints(built_db(db)),
    }


def _erbb2_mutation_profiled(db: Path, study_id: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    (n,) = con.execute(
        "select count(*) from intermediate.int_samples__genomics "
        "where study_id = ? and is_erbb2_mutation_profiled",
        [study_id],
    ).fetchone()
    con.close()
    return n


def test_a_study_is_built_again_when_a_panel_defined_elsewhere_changes(panel_moved):
    """A study's staged rows depend on the definitions of the panels its samples use, wherever
    they are defined: a's files did not change, but it is built again, its samples on that
    panel are no longer ERBB2-profiled, and the result equals a full refresh. The untouched
    study c is kept."""
    a, b, c = panel_moved["studies"]
    before, after = panel_moved["profiled"]
    assert before > after, (before, after)
    to_build = ", ".join(f"'{s}'" for s in sorted([a, b]))
    assert f"(study_id is null or study_id in ({to_build}))" in panel_moved["genomics_sql"]
    assert f"'{c}'" not in panel_moved["genomics_sql"]
    problems = diff_fingerprints(panel_moved["full_refresh"], panel_moved["incremental"])
    assert not problems, problems[:10]

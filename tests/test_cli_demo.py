"""The CLI end to end on the built-in demo: `her2lung demo` then `her2lung build`, as a user runs
them. Every deliberately bad row the generator planted is quarantined at its file and line,
nothing else is, and staged + rejected rows add up to the raw lines."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from her2lung.demo import write_demo_studies

HER2LUNG = str(Path(sys.executable).parent / "her2lung")

REJECTED_TABLE_FOR_FILE = {
    "data_clinical_patient.txt": "stg_cbioportal__patients_rejected",
    "data_clinical_sample.txt": "stg_cbioportal__samples_rejected",
    "data_mutations.txt": "stg_cbioportal__mutations_rejected",
    "data_CNA.txt": "stg_cbioportal__copy_number_alterations_rejected",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli_demo")
    studies, db = root / "studies", root / "warehouse" / "her2lung.duckdb"
    demo = subprocess.run(
        [HER2LUNG, "demo", "--out", str(studies), "--patients", "400"],
        capture_output=True,
        text=True,
    )
    assert demo.returncode == 0, demo.stderr
    # dbt's own DBT_TARGET_PATH moves its artifacts: the quality gate must read them there
    build = subprocess.run(
        [HER2LUNG, "build", "--studies", str(studies), "--db", str(db)],
        capture_output=True,
        text=True,
        env={**os.environ, "DBT_TARGET_PATH": str(root / "dbt-target")},
    )
    manifest = write_demo_studies(root / "again", n_patients=400)
    return build, db, manifest


def test_build_succeeds_and_prints_a_summary(built):
    build, db, _ = built
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "Studies" in build.stdout
    assert "her2lung_demo_luad" in build.stdout
    assert "Quarantined rows by reason" in build.stdout
    assert (db.parent.parent / "dbt-target" / "run_results.json").exists()
    assert "ERBB2 prevalence by driver cohort" in build.stdout
    assert str(db.resolve()) in build.stdout


def test_every_planted_bad_row_is_quarantined_where_it_was_planted(built):
    _, db, manifest = built
    with duckdb.connect(str(db), read_only=True) as con:
        for bad in manifest.bad_rows:
            table = REJECTED_TABLE_FOR_FILE[bad.file]
            hits = con.execute(
                f"select reject_reason from staging.{table} where source_file = ? and source_line = ?",
                [f"{bad.study}/{bad.file}", bad.line],
            ).fetchall()
            assert hits, f"planted {bad.reason} at {bad.file}:{bad.line} was not quarantined"


def test_nothing_but_the_planted_rows_is_quarantined(built):
    _, db, manifest = built
    planted = {(f"{b.study}/{b.file}", b.line) for b in manifest.bad_rows}
    with duckdb.connect(str(db), read_only=True) as con:
        quarantined = set()
        for table in set(REJECTED_TABLE_FOR_FILE.values()) | {
            "stg_cbioportal__structural_variants_rejected",
            "stg_cbioportal__gene_panels_rejected",
            "stg_cbioportal__case_lists_rejected",
            "stg_cbioportal__mrna_expression_rejected",
        }:
            quarantined |= set(
                con.sql(f"select source_file, source_line from staging.{table}").fetchall()
            )
    assert quarantined == planted


def test_unknown_survival_status_is_null_not_censored(built):
    _, db, _ = built
    with duckdb.connect(str(db), read_only=True) as con:
        missing_status = con.sql(
            "select count(*) from staging.stg_cbioportal__patients where os_status is null"
        ).fetchone()[0]
        null_events = con.sql(
            "select count(*) from marts.dim_patients where has_clinical_row and os_event is null"
        ).fetchone()[0]
    assert missing_status > 0
    assert null_events >= missing_status


def test_demo_is_deterministic_via_the_cli(tmp_path):
    for name in ("a", "b"):
        run = subprocess.run(
            [HER2LUNG, "demo", "--out", str(tmp_path / name), "--patients", "200"],
            capture_output=True,
            text=True,
        )
        assert run.returncode == 0, run.stderr
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    files_b = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert files_a == files_b and files_a
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


def test_build_refuses_a_missing_studies_folder(tmp_path):
    run = subprocess.run(
        [
            HER2LUNG,
            "build",
            "--studies",
            str(tmp_path / "nope"),
            "--db",
            str(tmp_path / "w.duckdb"),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "does not exist" in run.stderr


def test_demo_size_options(tmp_path):
    sized = subprocess.run(
        [HER2LUNG, "demo", "--out", str(tmp_path / "s"), "--scale", "small"]
        + ["--samples", "300", "--studies", "2"],
        capture_output=True,
        text=True,
    )
    assert sized.returncode == 0, sized.stderr
    assert sorted(p.name for p in (tmp_path / "s").iterdir()) == [
        "her2lung_small_dfci",
        "her2lung_small_msk",
    ]
    wrong = subprocess.run(
        [HER2LUNG, "demo", "--out", str(tmp_path / "w"), "--scale", "genie", "--patients", "500"],
        capture_output=True,
        text=True,
    )
    assert wrong.returncode == 2 and "--samples" in wrong.stderr
    assert not (tmp_path / "w").exists()

"""Incremental refresh when a gene panel changes outside a study's folder: a study's staged rows
depend on the definitions of the panels its samples use, wherever they are defined, so the
study is built again although its own files did not change (macros/io/incremental_studies.sql);
the result equals a rebuild of every study (a change of --vars: nothing kept, each table built
by study created anew). Files changing in the study itself, and `--full-refresh`:
test_incremental.py."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from helpers_incremental import NO_TESTS, compiled_model, dbt_build, fetch_all, study_ids

from her2lung.demo import write_demo_studies

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from run_benchmark import built_db, diff_fingerprints, fingerprints  # noqa: E402

pytestmark = pytest.mark.slow

# a var no model reads: changing it only changes every study's build version
REBUILD_VARS = {"her2lung_test_rebuild": 1}
BUILD_VERSIONS = ("raw", "raw_cbioportal__built_studies")


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
    db, target = root / "her2lung.duckdb", root / "target"
    dbt_build(NO_TESTS, studies, db, target)
    ids = study_ids(built_db(db))
    profiled_before = _erbb2_mutation_profiled(built_db(db), ids[a.name])

    text = moved.read_text()
    assert "\tERBB2\t" in text
    moved.write_text(text.replace("\tERBB2\t", "\t"))
    dbt_build(NO_TESTS, studies, db, target)
    incremental = fingerprints(built_db(db))
    profiled_after = _erbb2_mutation_profiled(built_db(db), ids[a.name])
    genomics_sql = compiled_model(target, "int_samples__genomics")
    # every study built again: a change of --vars changes every study's build version, so
    # nothing is kept and each table built by study is dropped and created from its full query
    dbt_build([*NO_TESTS, "--vars", json.dumps(REBUILD_VARS)], studies, db, target)
    return {
        "studies": (ids[a.name], ids[b.name], ids[c.name]),
        "profiled": (profiled_before, profiled_after),
        "genomics_sql": genomics_sql,
        "incremental": incremental,
        "rebuilt": fingerprints(built_db(db)),
        "rebuilt_genomics_sql": compiled_model(target, "int_samples__genomics"),
        "rebuilt_versions": fetch_all(
            built_db(db),
            "select count(*), count(*) filter (where is_built) "
            "from raw.raw_cbioportal__built_studies where model_name = 'int_samples__genomics'",
        ),
    }


def _erbb2_mutation_profiled(db: Path, study_id: str) -> int:
    ((n,),) = fetch_all(
        db,
        "select count(*) from intermediate.int_samples__genomics "
        "where study_id = ? and is_erbb2_mutation_profiled",
        [study_id],
    )
    return n


def test_a_study_is_built_again_when_a_panel_defined_elsewhere_changes(panel_moved):
    """A study's staged rows depend on the definitions of the panels its samples use, wherever
    they are defined: a's files did not change, but it is built again, its samples on that
    panel are no longer ERBB2-profiled, and the result equals a rebuild of every study. The
    untouched study c is kept."""
    a, b, c = panel_moved["studies"]
    before, after = panel_moved["profiled"]
    assert before > after, (before, after)
    to_build = ", ".join(f"'{s}'" for s in sorted([a, b]))
    assert f"(study_id is null or study_id in ({to_build}))" in panel_moved["genomics_sql"]
    assert f"'{c}'" not in panel_moved["genomics_sql"]
    # the rebuild's bookkeeping records other build versions (the vars are part of them)
    rebuilt, incremental = (
        {k: v for k, v in panel_moved[key].items() if k != BUILD_VERSIONS}
        for key in ("rebuilt", "incremental")
    )
    assert BUILD_VERSIONS in panel_moved["rebuilt"] and len(rebuilt) > 50
    problems = diff_fingerprints(rebuilt, incremental)
    assert not problems, problems[:10]


def test_a_rebuild_of_every_study_reads_every_study_and_records_it(panel_moved):
    """With nothing to keep, a model built by study runs its full query (no study scope) and
    records every study as built."""
    assert "study_id in (" not in panel_moved["rebuilt_genomics_sql"]
    assert panel_moved["rebuilt_versions"] == [(3, 3)]

"""The benchmark at small scale, as a correctness test (benchmarks/run_benchmark.py measures;
this only checks): the warehouse, the plain-DuckDB floor and the pandas implementation give the
same ERBB2 prevalence table, and a warehouse built incrementally (three studies, then a fourth
added) equals its full rebuild (`--full-refresh`), table for table. Timings are not asserted."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

from her2lung.demo import write_demo_studies
from her2lung.warehouse import run_dbt

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import prevalence_duckdb  # noqa: E402
import prevalence_pandas  # noqa: E402
from run_benchmark import agreement, built_db, diff_fingerprints, fingerprints  # noqa: E402

# what `dbt build` does but the tests (they run once, in the incremental build)
NO_TESTS = ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def _build(args: list[str], studies: Path, db: Path, target: Path) -> None:
    result = run_dbt(args, studies_dir=studies, db_path=db, target_path=target)
    assert result.ok, result.stdout[-4000:] + str(result.failures())


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("bench_small")
    data = root / "data"
    write_demo_studies(data, scale="small")
    folders = sorted(p for p in data.iterdir() if p.is_dir())
    studies = root / "studies"
    studies.mkdir()
    for folder in folders[:-1]:
        (studies / folder.name).symlink_to(folder)

    # incremental: three studies, then the fourth added (with the tests of `dbt build`)
    incremental_db, target = root / "incremental.duckdb", root / "target-incremental"
    _build(NO_TESTS, studies, incremental_db, target)
    (studies / folders[-1].name).symlink_to(folders[-1])
    _build(["build"], studies, incremental_db, target)
    read_again = (
        target / "compiled" / "her2lung" / "models" / "raw" / "raw_cbioportal__mutations_lines.sql"
    ).read_text()

    incremental = fingerprints(built_db(incremental_db))
    floor_csv, pandas_csv = root / "floor.csv", root / "pandas.csv"
    prevalence_duckdb.prevalence(studies).to_csv(floor_csv, index=False)
    prevalence_pandas.prevalence(studies).to_csv(pandas_csv, index=False)
    agree = agreement(built_db(incremental_db), floor_csv, pandas_csv)

    # a full rebuild of the same warehouse (same profile and target: dbt's parse is reused)
    _build([*NO_TESTS, "--full-refresh"], studies, incremental_db, target)
    return {
        "added": folders[-1].name,
        "kept": [f.name for f in folders[:-1]],
        "incremental": incremental,
        "full": fingerprints(built_db(incremental_db)),
        "agreement": agree,
        "mutations_sql": read_again,
        "db": built_db(incremental_db),
    }


def test_three_implementations_agree(small):
    report = small["agreement"]
    assert report["rows"] > 100
    assert report["floor"] == "agrees", report
    assert report["pandas"] == "agrees", report


def test_incremental_equals_full_rebuild(small):
    full, incremental = small["full"], small["incremental"]
    assert ("marts", "erbb2_prevalence") in full
    assert diff_fingerprints(full, incremental) == []


def test_added_study_is_the_only_one_read_again(small):
    sql = small["mutations_sql"]
    assert f"{small['added']}/data_mutations.txt" in sql
    for name in small["kept"]:
        assert f"{name}/data_mutations.txt" not in sql


def test_loaded_files_record_every_file(small):
    con = duckdb.connect(str(small["db"]), read_only=True)
    rows = con.execute(
        "select count(*), count(*) filter (where is_loaded), count(distinct split_part(source_file, '/', 1)) "
        "from raw.raw_cbioportal__loaded_files where model_name = 'raw_cbioportal__mutations_lines'"
    ).fetchone()
    con.close()
    assert rows == (4, 4, 4)

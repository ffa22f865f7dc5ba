"""The DuckDB shell installed with the project (PyPI duckdb-cli, .venv/bin/duckdb) against the
published warehouse, opened read-only as the README says (issue 9).

Every query in analyses/ runs in the shell and returns what the Python library returns for
the same SQL; the shell cannot write to the file; and it opens the published file while a
build holds the candidate file's write lock.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_publish import published_demo

from her2lung.publish import candidate_path
from her2lung.warehouse import project_dir

ANALYSES = sorted((project_dir() / "analyses").glob("*.sql"))
SHELL = Path(sys.executable).parent / "duckdb"

pytestmark = pytest.mark.skipif(not SHELL.exists(), reason=f"duckdb shell not installed: {SHELL}")


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A copy of the published demo warehouse (same file name, so the same catalog)."""
    demo = published_demo(tmp_path_factory)
    db = tmp_path_factory.mktemp("shell") / demo.db.name
    shutil.copyfile(demo.db, db)
    return db


def shell(db: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SHELL), "-readonly", *args, str(db)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=project_dir(),
    )


def same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12) or (
            math.isnan(float(a)) and math.isnan(float(b))
        )
    return str(a) == str(b) if a is not None and b is not None else a is b


def test_shell_is_the_library_version() -> None:
    out = subprocess.run([str(SHELL), "--version"], capture_output=True, text=True).stdout
    assert out.split()[0] == f"v{duckdb.__version__}", out


@pytest.mark.parametrize("analysis", ANALYSES, ids=[p.stem for p in ANALYSES])
def test_analysis_runs_in_the_shell_read_only(published: Path, analysis: Path) -> None:
    result = shell(published, "-json", "-c", f".read {analysis.relative_to(project_dir())}")
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    rows = json.loads(result.stdout or "[]")
    con = duckdb.connect(str(published), read_only=True)
    try:
        cursor = con.execute(analysis.read_text())
        names = [d[0] for d in cursor.description]
        expected = cursor.fetchall()
    finally:
        con.close()
    assert expected, f"{analysis.name} returned no rows on the demo"
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert list(got) == names
        for name, value in zip(names, want, strict=True):
            assert same(got[name], value), (analysis.name, name, got[name], value)


def test_shell_cannot_write_the_published_file(published: Path) -> None:
    before = published.read_bytes()
    result = shell(published, "-c", "create table marts.x as select 1 as i")
    assert result.returncode != 0
    assert "read-only" in (result.stderr + result.stdout).lower()
    assert published.read_bytes() == before


def test_shell_reads_the_published_file_while_a_build_holds_the_candidate(
    published: Path,
) -> None:
    """A build holds the candidate's write lock for its whole run; the published file has no
    writer, so the shell opens it. (Opening the candidate itself would fail: that is why
    consumers use the published path.)"""
    candidate = candidate_path(published)
    shutil.copyfile(published, candidate)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
            "c.execute('create table main.busy as select 1'); print('locked', flush=True); "
            "time.sleep(60)",
            str(candidate),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        ok = shell(published, "-csv", "-c", "select count(*) from marts.dim_patients")
        assert ok.returncode == 0, ok.stderr
        assert int(ok.stdout.split()[-1]) > 0
        locked = shell(candidate, "-c", "select 1")
        assert locked.returncode != 0 and "lock" in locked.stderr.lower(), locked.stderr
    finally:
        holder.kill()
        holder.wait()

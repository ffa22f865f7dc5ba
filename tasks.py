#!/usr/bin/env python3
"""Set-up and everyday tasks for her2lung, with nothing but Python 3.11+ on the machine.

    python3 tasks.py demo    # create .venv if needed, build the demo warehouse end to end
    python3 tasks.py test    # create .venv if needed, run the whole test suite

The virtual environment lives in .venv and is (re)installed when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".her2lung-installed"
DEMO_STUDIES = ROOT / "warehouse" / "demo-studies"
DEMO_DB = ROOT / "warehouse" / "her2lung.duckdb"
DEMO_REPORT = ROOT / "warehouse" / "report"


def _run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    printable = " ".join(str(c) for c in cmd)
    print(f"$ {printable}", flush=True)
    completed = subprocess.run([str(c) for c in cmd], cwd=ROOT, env=env)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def ensure_environment() -> None:
    """Create .venv and install the project with its test extras, once per pyproject change."""
    if sys.version_info < (3, 11):  # noqa: UP036 (run by the system python3, any version)
        sys.exit(f"her2lung needs Python 3.11 or newer (this is {sys.version.split()[0]})")
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted and (BIN / "her2lung").exists():
        return
    if not (BIN / "python").exists():
        print(f"creating virtual environment {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # spark: tests/test_spark.py builds the demo on Apache Spark too (skipped without Java)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test,spark]")
    STAMP.write_text(wanted)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env


def demo() -> None:
    """Write the built-in demo study, build the warehouse from it, print a summary, write the report."""
    ensure_environment()
    env = _env()
    _run(BIN / "her2lung", "demo", "--out", DEMO_STUDIES, env=env)
    _run(BIN / "her2lung", "build", "--studies", DEMO_STUDIES, "--db", DEMO_DB, env=env)
    _run(
        BIN / "her2lung",
        "report",
        "--db",
        DEMO_DB,
        "--out",
        DEMO_REPORT,
        "--studies",
        DEMO_STUDIES,
        env=env,
    )


def test() -> None:
    """Run the whole test suite (what CI runs), one pytest-xdist worker per core; the tests of
    one file, or of the files that read one shared build, stay in one worker
    (tests/conftest.py)."""
    ensure_environment()
    _run(BIN / "python", "-m", "pytest", "-q", "-n", "auto", "--dist", "loadfile", env=_env())


TASKS = {"demo": demo, "test": test}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in TASKS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(TASKS)}}}")
    TASKS[sys.argv[1]]()

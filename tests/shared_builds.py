"""Warehouses that several test files read, built once per test session, also across
pytest-xdist workers (`python3 tasks.py test` runs one worker per core, files spread over them).

The first worker that asks builds under a lock; the others wait for it and read the same files.
Callers must not modify what they get: tests that write copy it first. A build that fails
leaves no completion mark, so every file that asks reports the failure itself (each builds
again, under the lock)."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock
from helpers_studies import built_warehouse

from her2lung.warehouse import DbtResult

DONE = ".built"


def session_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder every worker of this session shares: under xdist each worker has its own
    base temp folder (popen-gwN) inside one per-session folder."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def built_once(
    name: str, tmp_path_factory: pytest.TempPathFactory, build: Callable[[Path], None]
) -> Path:
    """The folder `build(folder)` filled, built at most once per session across workers."""
    folder = session_root(tmp_path_factory) / f"shared-{name}"
    with FileLock(f"{folder}.lock"):
        if not (folder / DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)  # a failed attempt of another worker
            folder.mkdir()
            build(folder)
            (folder / DONE).write_text("ok\n")
    return folder


def save_result(result: DbtResult, path: Path) -> None:
    path.write_text(json.dumps(dataclasses.asdict(result)))


def load_result(path: Path) -> DbtResult:
    return DbtResult(**json.loads(path.read_text()))


def full_build_of(
    study: Path, name: str, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, DbtResult]:
    """`dbt build` of one study folder alone (e.g. ../shared's TCGA LUAD, which the end-to-end
    and the marts tests both read): the warehouse file it left (published, or the candidate
    when a node failed) and dbt's result."""
    from her2lung.warehouse import run_dbt

    def build(root: Path) -> None:
        studies = root / "studies"
        studies.mkdir()
        (studies / study.name).symlink_to(study, target_is_directory=True)
        result = run_dbt(
            ["build"],
            studies_dir=studies,
            db_path=root / "her2lung.duckdb",
            target_path=root / "target",
        )
        save_result(result, root / "result.json")

    root = built_once(name, tmp_path_factory, build)
    return built_warehouse(root / "her2lung.duckdb"), load_result(root / "result.json")

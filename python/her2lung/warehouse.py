"""Locate the dbt project and run dbt against a studies folder and a warehouse file.

The CLI and the tests go through here so that every build uses the same profile, the same
environment variables and the same offline settings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from her2lung.publish import candidate_path

DEFAULT_DB = Path("warehouse/her2lung.duckdb")
__all__ = ["DEFAULT_DB", "DbtResult", "candidate_path", "dbt_env", "project_dir", "run_dbt"]


def project_dir() -> Path:
    """The dbt project folder: $HER2LUNG_PROJECT_DIR, else the checkout this package lives in."""
    env = os.environ.get("HER2LUNG_PROJECT_DIR")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "dbt_project.yml").exists():
            return parent
    cwd = Path.cwd()
    if (cwd / "dbt_project.yml").exists():
        return cwd
    raise FileNotFoundError(
        "cannot find the her2lung dbt project (dbt_project.yml); set HER2LUNG_PROJECT_DIR"
    )


def dbt_executable() -> str:
    """The dbt command installed beside this Python interpreter."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


@dataclass(frozen=True)
class DbtResult:
    """Outcome of one dbt invocation."""

    returncode: int
    stdout: str
    stderr: str
    run_results: dict | None

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def failures(self) -> list[dict]:
        """Nodes that errored or failed, with dbt's message."""
        if not self.run_results:
            return []
        return [
            {"node": r.get("unique_id"), "status": r.get("status"), "message": r.get("message")}
            for r in self.run_results.get("results", [])
            if r.get("status") in ("error", "fail", "runtime error")
        ]


def dbt_env(studies_dir: Path | str, db_path: Path | str) -> dict[str, str]:
    env = dict(os.environ)
    env["HER2LUNG_STUDIES_DIR"] = str(Path(studies_dir).resolve())
    env["HER2LUNG_DB"] = str(Path(db_path).resolve())
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    env.setdefault("DBT_PARTIAL_PARSE", "true")
    return env


def dbt_target_path(target_path: Path | str | None = None) -> Path:
    """Where dbt writes its artifacts (run_results.json, manifest.json) for a run of
    :func:`run_dbt`: ``target_path`` if given, else ``$DBT_TARGET_PATH`` (dbt's own variable;
    a relative path is under the project folder, as dbt resolves it), else ``<project>/target``."""
    chosen = target_path or os.environ.get("DBT_TARGET_PATH") or "target"
    path = Path(chosen)
    return path if path.is_absolute() else project_dir() / path


def run_dbt(
    args: list[str],
    *,
    studies_dir: Path | str,
    db_path: Path | str,
    dbt_vars: dict | None = None,
    target_path: Path | str | None = None,
    publish: bool = True,
) -> DbtResult:
    """Run `dbt <args>` in the project with our profile; never raises on a failed build.

    dbt writes into ``candidate_path(db_path)``; ``db_path`` (the published warehouse) is
    replaced atomically only when every node succeeded, else left untouched (after a failed
    build the candidate holds what was built). ``publish=False`` leaves publishing to the
    caller (:func:`her2lung.publish.publish_candidate`)."""
    project = project_dir()
    Path(db_path).resolve().parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project / "profiles"),
    ]
    if target_path is not None:
        cmd += ["--target-path", str(target_path)]
    if not publish:
        dbt_vars = {**(dbt_vars or {}), "her2lung_publish": False}
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    proc = subprocess.run(
        cmd, cwd=project, env=dbt_env(studies_dir, db_path), capture_output=True, text=True
    )
    results_file = dbt_target_path(target_path) / "run_results.json"
    run_results = None
    if results_file.exists():
        try:
            run_results = json.loads(results_file.read_text())
        except json.JSONDecodeError:
            run_results = None
    return DbtResult(proc.returncode, proc.stdout, proc.stderr, run_results)

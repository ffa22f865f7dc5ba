"""Locate the dbt project and run dbt against a studies folder and a warehouse file.

The CLI and the tests go through here so that every build uses the same profile, the same
environment variables and the same offline settings.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from her2lung.publish import candidate_path

DEFAULT_DB = Path("warehouse/her2lung.duckdb")
__all__ = [
    "DEFAULT_DB",
    "DbtCommand",
    "DbtResult",
    "candidate_path",
    "dbt_command",
    "dbt_env",
    "project_dir",
    "run_dbt",
]


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


# A folder of dbt parse states, one per kind of run, that new target folders start from
PARSE_CACHE_ENV = "HER2LUNG_DBT_PARSE_CACHE"
KIND_FLAGS = ("--vars", "--target", "-t", "--profile")  # what dbt's parse state depends on


@dataclass(frozen=True)
class DbtCommand:
    """One dbt invocation: argv, working folder and environment (:func:`dbt_command`)."""

    argv: list[str]
    cwd: Path
    env: dict[str, str]
    target: Path  # the target folder, where dbt writes its artifacts (:func:`dbt_target_path`)
    cached_state: Path | None  # where $HER2LUNG_DBT_PARSE_CACHE keeps this kind of run's

    @property
    def state(self) -> Path:
        """The partial-parse state dbt reads and writes in the target folder."""
        return self.target / "partial_parse.msgpack"

    def remember_parse_state(self, started: float) -> None:
        """Put the parse state the run wrote (at or after ``started``, a time.time()) into the
        cache if the cache has none for its kind yet (atomically: a copy under a temporary
        name, then renamed). An older state in the target folder is another run's."""
        if self.cached_state is None or self.cached_state.exists() or not self.state.exists():
            return
        if self.state.stat().st_mtime < started:
            return
        self.cached_state.parent.mkdir(parents=True, exist_ok=True)
        partial = self.cached_state.with_name(f".{self.cached_state.name}.{os.getpid()}.tmp")
        shutil.copyfile(self.state, partial)
        os.replace(partial, self.cached_state)


def dbt_command(
    args: list[str],
    *,
    studies_dir: Path | str,
    db_path: Path | str,
    dbt_vars: dict | None = None,
    target_path: Path | str | None = None,
) -> DbtCommand:
    """`dbt <args>` in the project with our profile, run from the warehouse's folder.

    dbt runs in the folder of ``db_path`` and is given the warehouse by its file name
    ($HER2LUNG_DB relative), so the profile it renders (the candidate's ``path``) is the same
    for every warehouse of that name wherever it lives. dbt keeps its partial-parse state only
    while the rendered profile (and the --vars and --target) are unchanged: building a second
    warehouse, or a copy of one elsewhere, then re-parses only what changed (about 2 s)
    instead of the whole project (about 9 s). A relative target folder is resolved as dbt
    resolves it, against the project folder; the plugin makes the published path absolute.

    With $HER2LUNG_DBT_PARSE_CACHE set to a folder, a target folder without a parse state of
    its own starts from the state of an earlier run of the same kind (same --vars, --target
    and warehouse file name), if there is one: dbt reads it through DBT_PARTIAL_PARSE_FILE_PATH
    and checks it like its own (a state it updates goes to the target folder). :func:`run_dbt` adds
    the state of each new kind of run to the cache. The test suite uses this: its many
    target folders would otherwise each begin with a full parse."""
    project = project_dir()
    db = Path(db_path).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    argv = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project / "profiles"),
    ]
    if target_path is not None:
        argv += ["--target-path", str(target_path)]
    if dbt_vars:
        argv += ["--vars", json.dumps(dbt_vars)]
    env = dbt_env(studies_dir, db)
    env["HER2LUNG_DB"] = db.name
    target = dbt_target_path(target_path)
    cached_state = None
    cache = os.environ.get(PARSE_CACHE_ENV)
    if cache:
        given = {flag: args[i + 1] for i, flag in enumerate(args[:-1]) if flag in KIND_FLAGS}
        kind = json.dumps([dbt_vars or {}, given, db.name], sort_keys=True)
        cached_state = Path(cache) / f"{hashlib.sha256(kind.encode()).hexdigest()[:16]}.msgpack"
        if cached_state.exists() and not (target / "partial_parse.msgpack").exists():
            env["DBT_PARTIAL_PARSE_FILE_PATH"] = str(cached_state)
    return DbtCommand(argv, db.parent, env, target, cached_state)


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
    if not publish:
        dbt_vars = {**(dbt_vars or {}), "her2lung_publish": False}
    command = dbt_command(
        args,
        studies_dir=studies_dir,
        db_path=db_path,
        dbt_vars=dbt_vars,
        target_path=target_path,
    )
    started = time.time()
    proc = subprocess.run(
        command.argv, cwd=command.cwd, env=command.env, capture_output=True, text=True
    )
    command.remember_parse_state(started)
    results_file = command.target / "run_results.json"
    run_results = None
    if results_file.exists():
        try:
            run_results = json.loads(results_file.read_text())
        except json.JSONDecodeError:
            run_results = None
    return DbtResult(proc.returncode, proc.stdout, proc.stderr, run_results)

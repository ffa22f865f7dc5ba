"""Build and read the warehouse on Apache Spark (dbt target ``spark``; docs/spark.md).

dbt-spark runs the SQL models. Its ``session`` method cannot run dbt Python models (it only
submits them to Databricks clusters), so this module runs them: the same model files, through a
small stand-in for dbt's Python-model API (``dbt.ref(...).df()``, ``dbt.config.get(...)``), on
the SparkSession dbt-spark created in this process. One build is three steps in one process and
one JVM:

1. ``dbt build --selector spark_sql``: every node except the Python models and what is built
   from them (selectors.yml; it is also the default selector of a Spark target, so a plain
   ``dbt build --target spark`` does exactly this step);
2. each Python model in dependency order: its ``ref`` inputs are read from Spark into pandas,
   its ``model(dbt, session)`` is called, and the DataFrame it returns is written back as a
   Parquet table of the model's schema and name (with its yml descriptions as comments);
3. ``dbt test`` on the Python models and ``dbt build`` of the models downstream of them.

Pandas frames cross the Spark boundary as Arrow and go through DuckDB's pandas conversion both
ways, so a Python model sees the same dtypes as on the DuckDB target and its result gets the
same column types as dbt-duckdb would give it.

Run it as ``python -m her2lung.spark build ...`` (what ``her2lung build --target spark`` does):
the SparkSession, the embedded metastore and dbt's global state then live in a process of their
own. pyspark is imported only when a build runs; reading a Spark-built warehouse
(:func:`open_parquet_warehouse`) needs DuckDB only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from her2lung import warehouse

DEFAULT_WAREHOUSE = Path("warehouse/spark")
SQL_SELECTOR = "spark_sql"


def default_warehouse() -> Path:
    """$HER2LUNG_SPARK_WAREHOUSE, else warehouse/spark."""
    return Path(os.environ.get("HER2LUNG_SPARK_WAREHOUSE", str(DEFAULT_WAREHOUSE)))


def spark_available() -> str | None:
    """None when a local Spark build can run here, else the reason it cannot."""
    import importlib.util
    import shutil

    for module in ("pyspark", "dbt.adapters.spark"):
        try:
            if importlib.util.find_spec(module) is None:
                return f"{module} is not installed (pip install 'her2lung[spark]')"
        except ModuleNotFoundError:
            return f"{module} is not installed (pip install 'her2lung[spark]')"
    java_home = os.environ.get("JAVA_HOME")
    if not (java_home and Path(java_home, "bin", "java").exists()) and not shutil.which("java"):
        return "no Java runtime (java on PATH or JAVA_HOME) for Spark"
    return None


def spark_env(
    studies_dir: Path | str, warehouse_dir: Path | str, base: dict[str, str] | None = None
) -> dict[str, str]:
    """Environment for a Spark build: absolute studies and warehouse folders, loopback
    networking for a local master, no dbt usage statistics."""
    env = dict(os.environ if base is None else base)
    env["HER2LUNG_STUDIES_DIR"] = str(Path(studies_dir).resolve())
    env["HER2LUNG_SPARK_WAREHOUSE"] = str(Path(warehouse_dir).resolve())
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    if env.get("HER2LUNG_SPARK_MASTER", "local[2]").startswith("local"):
        env.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        env.setdefault("SPARK_LOCAL_HOSTNAME", "localhost")
    return env


# --------------------------------------------------------------------------- Python models


class _Relation:
    """What ``dbt.ref()`` returns: ``.df()`` gives the table as pandas."""

    def __init__(self, session, table: str):
        self._session = session
        self.table = table

    def df(self) -> pd.DataFrame:
        return spark_to_pandas(self._session.table(self.table))

    def __repr__(self) -> str:
        return self.table


class _Config:
    """``dbt.config(...)`` (a no-op here: dbt read the configs when it parsed the project) and
    ``dbt.config.get(key)`` (the node's parsed config)."""

    def __init__(self, node):
        self._node = node

    def __call__(self, *args, **kwargs) -> str:
        return ""

    def get(self, key: str, default=None):
        return self._node.config.get(key, default)


class _Dbt:
    """The ``dbt`` argument of a Python model: ref, source, config, this."""

    def __init__(self, node, manifest, session):
        self._node = node
        self._manifest = manifest
        self._session = session
        self.config = _Config(node)
        self.this = _table_name(node)

    def ref(self, *names: str, **kwargs) -> _Relation:
        name = names[-1]
        package = names[0] if len(names) > 1 else None
        for node in self._manifest.nodes.values():
            if (
                node.resource_type in ("model", "seed", "snapshot")
                and node.name == name
                and (package is None or node.package_name == package)
            ):
                return _Relation(self._session, _table_name(node))
        raise KeyError(f"{self._node.name}: ref({name!r}) is not a model, seed or snapshot")

    def source(self, source_name: str, table_name: str) -> _Relation:
        for source in self._manifest.sources.values():
            if source.source_name == source_name and source.name == table_name:
                return _Relation(self._session, f"{source.schema}.{source.identifier}")
        raise KeyError(f"{self._node.name}: source({source_name!r}, {table_name!r}) is not defined")

    def is_incremental(self) -> bool:
        return False


def _table_name(node) -> str:
    return f"{node.schema}.{node.alias or node.name}"


def spark_to_pandas(frame) -> pd.DataFrame:
    """A Spark DataFrame as pandas, with the dtypes DuckDB's ``.df()`` gives the same table
    (nullable Int64/boolean where the column has NULLs, ...)."""
    with duckdb.connect() as con:
        return con.from_arrow(frame.toArrow()).df()


def pandas_to_spark(session, frame: pd.DataFrame):
    """A pandas DataFrame as a Spark DataFrame with the column types dbt-duckdb would store."""
    with duckdb.connect() as con:
        table = con.from_df(frame).fetch_arrow_table()
    return session.createDataFrame(table)


def _sql_text(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def write_table(session, frame: pd.DataFrame, node) -> int:
    """Write a Python model's result as the Parquet table of its schema and alias (replacing
    it), with the model's and columns' yml descriptions as comments. Returns the row count."""
    table = _table_name(node)
    session.sql(f"create schema if not exists {node.schema}")
    pandas_to_spark(session, frame).write.mode("overwrite").format("parquet").saveAsTable(table)
    if node.description:
        session.sql(
            f"alter table {table} set tblproperties ('comment' = {_sql_text(node.description)})"
        )
    for name, column in node.columns.items():
        if column.description and name in frame.columns:
            session.sql(
                f"alter table {table} alter column `{name}` comment {_sql_text(column.description)}"
            )
    return len(frame)


def python_model_nodes(manifest) -> list:
    """The enabled dbt Python models, parents before children."""
    nodes = {
        uid: node
        for uid, node in manifest.nodes.items()
        if node.resource_type == "model"
        and str(node.language) in ("python", "ModelLanguage.python")
    }
    ordered: list = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen:
            return
        seen.add(uid)
        for parent in nodes[uid].depends_on.nodes:
            if parent in nodes:
                visit(parent)
        ordered.append(nodes[uid])

    for uid in sorted(nodes):
        visit(uid)
    return ordered


def run_python_model(session, manifest, node) -> int:
    """Execute one Python model file's ``model(dbt, session)`` and write its result."""
    namespace: dict = {"__name__": f"her2lung_python_model_{node.name}"}
    exec(compile(node.raw_code, node.original_file_path, "exec"), namespace)
    result = namespace["model"](_Dbt(node, manifest, session), session)
    if not isinstance(result, pd.DataFrame):
        # a Spark DataFrame (a model written for Spark) is written as it is
        session.sql(f"create schema if not exists {node.schema}")
        result.write.mode("overwrite").format("parquet").saveAsTable(_table_name(node))
        return result.count()
    return write_table(session, result, node)


def descendants(manifest, roots: Iterable[str]) -> set[str]:
    """unique_ids of every node built from the given nodes (not the nodes themselves)."""
    children: dict[str, set[str]] = {}
    for uid, node in manifest.nodes.items():
        for parent in getattr(node.depends_on, "nodes", []):
            children.setdefault(parent, set()).add(uid)
    found: set[str] = set()
    stack = list(roots)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


# --------------------------------------------------------------------------- the build


@dataclass
class StepResult:
    """One step of a Spark build: a dbt invocation or a Python model."""

    name: str
    ok: bool
    seconds: float
    failures: list[dict] = field(default_factory=list)


@dataclass
class SparkBuild:
    """Outcome of :func:`build`."""

    steps: list[StepResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    def failures(self) -> list[dict]:
        return [failure for step in self.steps for failure in step.failures]


def _dbt_failures(result) -> list[dict]:
    failures = []
    run = getattr(result, "result", None)
    for item in getattr(run, "results", None) or []:
        status = str(getattr(item, "status", ""))
        if status.lower().split(".")[-1] in ("error", "fail", "runtime error"):
            failures.append(
                {"node": item.node.unique_id, "status": status, "message": item.message}
            )
    if not failures and not result.success:
        failures.append({"node": "dbt", "status": "error", "message": str(result.exception)})
    return failures


def build(
    *,
    tests: bool = True,
    target: str = "spark",
    dbt_vars: dict | None = None,
    target_path: Path | str | None = None,
    exclude: Iterable[str] = (),
    progress: Callable[[str], None] | None = None,
) -> SparkBuild:
    """Build the warehouse on Spark in this process (see the module docstring). The studies
    and warehouse folders come from the environment (:func:`spark_env`). ``tests=False``
    builds seeds and models only (no data tests, no unit tests); ``exclude`` leaves out more
    nodes (dbt selection syntax)."""
    from dbt.cli.main import dbtRunner

    no_tests = (
        [] if tests else ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    )
    project = warehouse.project_dir()
    common = ["--project-dir", str(project), "--profiles-dir", str(project / "profiles")]
    # dbt's artifacts and partial-parse state of Spark builds stay apart from DuckDB builds'
    target_path = target_path or project / "target" / target
    common += ["--target", target, "--target-path", str(target_path)]
    if dbt_vars:
        common += ["--vars", json.dumps(dbt_vars)]
    outcome = SparkBuild()
    progress = progress or (lambda message: None)

    def invoke(name: str, args: list[str], runner) -> bool:
        started = time.perf_counter()
        result = runner.invoke([*args, *common])
        step = StepResult(name, bool(result.success), time.perf_counter() - started)
        # each invocation rewrites run_results.json: keep one per step for timings and failures
        results_file = Path(target_path) / "run_results.json"
        if results_file.exists():
            slug = "".join(c if c.isalnum() else "_" for c in name).strip("_")
            shutil.copyfile(
                results_file,
                Path(target_path) / f"run_results.step{len(outcome.steps) + 1}_{slug}.json",
            )
        if not result.success:
            step.failures = _dbt_failures(result)
        outcome.steps.append(step)
        return step.ok

    parsed = dbtRunner().invoke(["parse", *common])
    if not parsed.success:
        outcome.steps.append(
            StepResult(
                "dbt parse",
                False,
                0.0,
                [{"node": "dbt parse", "status": "error", "message": str(parsed.exception)}],
            )
        )
        return outcome
    manifest = parsed.result
    runner = dbtRunner(manifest=manifest)
    python_nodes = python_model_nodes(manifest)
    python_ids = [node.unique_id for node in python_nodes]
    downstream = [
        manifest.nodes[uid].name
        for uid in sorted(descendants(manifest, python_ids))
        if manifest.nodes[uid].resource_type in ("model", "seed", "snapshot")
        and uid not in python_ids
    ]

    exclude = list(exclude)
    # the selector (also the default of a plain `dbt build --target spark`) is
    # `--exclude file:*.py+`; dbt takes --selector or --exclude, not both
    first = ["--exclude", "file:*.py+", *exclude] if exclude else ["--selector", SQL_SELECTOR]
    progress("dbt build on Spark: every node but the Python models and their descendants")
    if not invoke(f"dbt build {' '.join(first)}", ["build", *first, *no_tests], runner):
        return outcome
    if not python_nodes:
        return outcome

    from pyspark.sql import SparkSession

    session = SparkSession.builder.getOrCreate()  # the session dbt-spark created above
    for node in python_nodes:
        started = time.perf_counter()
        try:
            rows = run_python_model(session, manifest, node)
        except Exception as error:  # reported with the node, then the build stops
            outcome.steps.append(
                StepResult(
                    node.name,
                    False,
                    time.perf_counter() - started,
                    [
                        {
                            "node": node.unique_id,
                            "status": "error",
                            "message": f"{type(error).__name__}: {error}",
                        }
                    ],
                )
            )
            return outcome
        seconds = time.perf_counter() - started
        outcome.steps.append(StepResult(node.name, True, seconds))
        progress(f"python model {_table_name(node)}: {rows} rows in {seconds:.1f} s")

    names = [node.name for node in python_nodes]
    if tests and not invoke(
        "dbt test (Python models)",
        ["test", "--select", *names, "--indirect-selection", "buildable"],
        runner,
    ):
        return outcome
    if downstream:
        progress(f"dbt build on Spark: {', '.join(downstream)}")
        invoke(
            "dbt build (downstream of the Python models)",
            [
                "build",
                "--select",
                *downstream,
                *(["--exclude", *exclude] if exclude else []),
                *no_tests,
            ],
            runner,
        )
    return outcome


# --------------------------------------------------------------------------- reading


def open_parquet_warehouse(warehouse_dir: Path | str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with one view per table of a Spark-built warehouse
    (``<folder>/<schema>.db/<table>/*.parquet``), named ``<schema>.<table>`` as on the DuckDB
    target, so the same SQL (her2lung summary, report, BI tools) reads either warehouse."""
    folder = Path(warehouse_dir).resolve()
    if not folder.is_dir():
        raise FileNotFoundError(f"no Spark warehouse at {folder}")
    con = duckdb.connect()
    for schema_dir in sorted(folder.glob("*.db")):
        schema = schema_dir.name.removesuffix(".db")
        con.execute(f'create schema if not exists "{schema}"')
        for table_dir in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
            files = str(table_dir / "*.parquet").replace("'", "''")
            if not any(table_dir.glob("*.parquet")):
                continue
            con.execute(
                f'create view "{schema}"."{table_dir.name}" as select * from read_parquet(\'{files}\')'
            )
    return con


# --------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m her2lung.spark",
        description="Build the warehouse on Spark (SQL models with dbt-spark, Python models here).",
    )
    parser.add_argument("command", choices=["build"])
    parser.add_argument(
        "--no-tests", action="store_true", help="seeds and models only (no data or unit tests)"
    )
    parser.add_argument("--target", default="spark")
    parser.add_argument("--vars", default=None, help="dbt vars as JSON")
    parser.add_argument("--target-path", default=None)
    parser.add_argument(
        "--exclude", nargs="*", default=[], help="nodes to leave out (dbt selection syntax)"
    )
    args = parser.parse_args(argv)
    outcome = build(
        tests=not args.no_tests,
        target=args.target,
        dbt_vars=json.loads(args.vars) if args.vars else None,
        target_path=args.target_path,
        exclude=args.exclude,
        progress=lambda message: print(f"her2lung: {message}", flush=True),
    )
    summary = {
        "ok": outcome.ok,
        "steps": [
            {"name": s.name, "ok": s.ok, "seconds": round(s.seconds, 2), "failures": s.failures}
            for s in outcome.steps
        ],
    }
    print("HER2LUNG_SPARK_BUILD " + json.dumps(summary), flush=True)
    return 0 if outcome.ok else 1


if __name__ == "__main__":
    sys.exit(main())

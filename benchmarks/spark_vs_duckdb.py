#!/usr/bin/env python3
"""Time the same dbt project on DuckDB and on Spark (local) for one demo study set.

    python benchmarks/spark_vs_duckdb.py --scale demo --patients 300 [--no-tests] [--out DIR]

DuckDB: `dbt build` into a fresh file (what `her2lung build` runs before its quality gate).
Spark: `python -m her2lung.spark build` into a fresh warehouse folder (dbt-spark for the SQL
models, her2lung.spark for the Python models), master $HER2LUNG_SPARK_MASTER or local[2].
Prints one Markdown table row per engine; results go in benchmarks/RESULTS.md (section "DuckDB vs Spark").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from her2lung import spark, warehouse
from her2lung.demo import write_demo_studies

NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["demo", "small", "genie"], default="demo")
    parser.add_argument("--patients", type=int, default=300)
    parser.add_argument("--no-tests", action="store_true", help="seeds and models only")
    parser.add_argument("--out", default=None, help="working folder (default: a temporary one)")
    args = parser.parse_args()
    reason = spark.spark_available()
    if reason:
        print(f"cannot run Spark here: {reason}", file=sys.stderr)
        return 2
    root = Path(args.out or tempfile.mkdtemp(prefix="her2lung-bench-"))
    studies = root / "studies"
    manifest = write_demo_studies(studies, n_patients=args.patients, scale=args.scale)
    size = sum(p.stat().st_size for p in studies.rglob("*") if p.is_file())
    print(
        f"{args.scale}: {manifest.n_samples} samples, "
        f"{size / 1e6:.1f} MB of study files; {os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )

    started = time.perf_counter()
    duck = warehouse.run_dbt(
        ["build", *(NO_TESTS if args.no_tests else [])],
        studies_dir=studies,
        db_path=root / "her2lung.duckdb",
        target_path=root / "target-duckdb",
    )
    duck_seconds = time.perf_counter() - started
    if not duck.ok:
        print(duck.stdout[-3000:], file=sys.stderr)
        return 1

    spark_dir = root / "spark-warehouse"
    spark_dir.mkdir(exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "her2lung.spark",
        "build",
        "--target-path",
        str(root / "target-spark"),
    ]
    if args.no_tests:
        cmd.append("--no-tests")
    started = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=warehouse.project_dir(),
        env=spark.spark_env(studies, spark_dir),
        capture_output=True,
        text=True,
    )
    spark_seconds = time.perf_counter() - started
    steps = {}
    for line in proc.stdout.splitlines():
        if line.startswith("HER2LUNG_SPARK_BUILD "):
            steps = json.loads(line.removeprefix("HER2LUNG_SPARK_BUILD "))
    if proc.returncode != 0:
        print(proc.stdout[-3000:], file=sys.stderr)
        return 1

    n_nodes = len((duck.run_results or {}).get("results", []))
    print("| engine | wall time | nodes |")
    print("|---|---|---|")
    print(f"| DuckDB (dbt build) | {duck_seconds:.1f} s | {n_nodes} |")
    print(
        f"| Spark {os.environ.get('HER2LUNG_SPARK_MASTER', 'local[2]')} | {spark_seconds:.1f} s | |"
    )
    for step in steps.get("steps", []):
        print(f"|   {step['name']} | {step['seconds']:.1f} s | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

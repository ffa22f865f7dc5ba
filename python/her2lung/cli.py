"""her2lung command line: `her2lung demo | build | validate | summary | report`.

The CLI is the only place that prints. Library functions return values.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from her2lung import publish, warehouse


def _default_studies() -> Path:
    return Path(os.environ.get("HER2LUNG_STUDIES_DIR", "studies"))


def _default_db() -> Path:
    return Path(os.environ.get("HER2LUNG_DB", str(warehouse.DEFAULT_DB)))


def _default_spark_warehouse() -> Path:
    return Path(os.environ.get("HER2LUNG_SPARK_WAREHOUSE", "warehouse/spark"))


def _print_table(title: str, frame: pd.DataFrame) -> None:
    print(f"\n{title}")
    if frame.empty:
        print("  (none)")
        return
    with pd.option_context("display.max_rows", 200, "display.width", 160):
        print(frame.to_string(index=False))


def cmd_demo(args: argparse.Namespace) -> int:
    from her2lung.demo import write_demo_studies

    started = time.perf_counter()
    if args.patients is not None and args.scale != "demo":
        print(
            f"her2lung demo: --patients sizes the 'demo' scale; size '{args.scale}' with "
            "--samples and --studies",
            file=sys.stderr,
        )
        return 2
    try:
        patients = {} if args.patients is None else {"n_patients": args.patients}
        manifest = write_demo_studies(
            Path(args.out),
            seed=args.seed,
            scale=args.scale,
            n_samples=args.samples,
            n_studies=args.studies,
            **patients,
        )
    except ValueError as error:
        print(f"her2lung demo: {error}", file=sys.stderr)
        return 2
    elapsed = time.perf_counter() - started
    folders = [str(p) for p in manifest.study_dirs]
    print(f"wrote {len(folders)} study folder(s) under {args.out} in {elapsed:.1f} s:")
    for folder in folders:
        print(f"  {folder}")
    print(f"deliberately bad rows planted (to be quarantined): {len(manifest.bad_rows)}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    studies = Path(args.studies)
    db_path = Path(args.db)
    if not studies.is_dir():
        print(f"her2lung: studies folder '{studies}' does not exist", file=sys.stderr)
        return 2
    dbt_vars = dict(kv.split("=", 1) for kv in args.var or [])
    if args.target == "spark":
        return _build_spark(args, studies, dbt_vars)
    candidate = publish.candidate_path(db_path)
    untouched = f"her2lung: the published warehouse {db_path} was left untouched"
    print(f"building the warehouse from {studies} into {candidate} (dbt build) ...", flush=True)
    started = time.perf_counter()
    # publish=False: dbt leaves the candidate unpublished; we publish after the quality suite.
    result = warehouse.run_dbt(
        ["build"], studies_dir=studies, db_path=db_path, dbt_vars=dbt_vars, publish=False
    )
    elapsed = time.perf_counter() - started
    if not result.ok:
        print(result.stdout[-6000:])
        print(f"her2lung: build FAILED after {elapsed:.1f} s", file=sys.stderr)
        for failure in result.failures():
            print(
                f"  {failure['node']}: {failure['status']}: {failure['message']}", file=sys.stderr
            )
        if result.run_results is not None:
            _quality_gate(candidate)  # the failed run's checks stay readable under quality/
        print(untouched, file=sys.stderr)
        return 1
    print(f"dbt build succeeded in {elapsed:.1f} s")
    if not _quality_gate(candidate):
        print(untouched, file=sys.stderr)
        return 1
    try:
        done = publish.publish_candidate(db_path)
    except (publish.PublishError, OSError) as exc:
        print(f"her2lung: publish FAILED: {exc}", file=sys.stderr)
        print(untouched, file=sys.stderr)
        return 1
    print(done.message())
    return cmd_summary(argparse.Namespace(db=db_path))


def _build_spark(args: argparse.Namespace, studies: Path, dbt_vars: dict) -> int:
    """`python -m her2lung.spark build` in a process of its own (Spark, the metastore and dbt
    state stay there); its progress lines are shown as they come."""
    from her2lung import spark

    reason = spark.spark_available()
    if reason:
        print(f"her2lung: cannot build on Spark: {reason}", file=sys.stderr)
        return 2
    warehouse_dir = Path(args.warehouse)
    warehouse_dir.mkdir(parents=True, exist_ok=True)
    print(
        f"building the warehouse from {studies} into {warehouse_dir} on Spark "
        f"({os.environ.get('HER2LUNG_SPARK_MASTER', 'local[2]')}) ...",
        flush=True,
    )
    cmd = [sys.executable, "-m", "her2lung.spark", "build"]
    if dbt_vars:
        cmd += ["--vars", json.dumps(dbt_vars)]
    started = time.perf_counter()
    output: list[str] = []
    summary: dict = {}
    with subprocess.Popen(
        cmd,
        cwd=warehouse.project_dir(),
        env=spark.spark_env(studies, warehouse_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        for line in proc.stdout:
            output.append(line)
            if line.startswith("her2lung: "):
                print(f"  {line.removeprefix('her2lung: ').rstrip()}", flush=True)
            elif line.startswith("HER2LUNG_SPARK_BUILD "):
                summary = json.loads(line.removeprefix("HER2LUNG_SPARK_BUILD "))
    elapsed = time.perf_counter() - started
    if proc.returncode != 0 or not summary.get("ok"):
        print("".join(output)[-6000:])
        print(f"her2lung: Spark build FAILED after {elapsed:.1f} s", file=sys.stderr)
        for step in summary.get("steps", []):
            for failure in step["failures"]:
                print(
                    f"  {failure['node']}: {failure['status']}: {failure['message']}",
                    file=sys.stderr,
                )
        return 1
    print(f"Spark build succeeded in {elapsed:.1f} s")
    return cmd_summary(argparse.Namespace(db=warehouse_dir))


def _quality_gate(candidate: Path) -> bool:
    """The quality suite (her2lung.quality.validate: dbt quality tests + great-expectations) on
    the candidate; True when nothing blocking failed. Publishing waits for it."""
    from her2lung import quality

    print(f"quality checks on {candidate} ...", flush=True)
    try:
        run_results, manifest = quality.read_dbt_artifacts(warehouse.dbt_target_path())
        report = quality.validate(candidate, run_results=run_results, manifest=manifest)
    except Exception as exc:  # a crash of the suite must block the publish, with its reason
        print(
            f"her2lung: quality checks could not run: {type(exc).__name__}: {exc}", file=sys.stderr
        )
        return False
    counts = report.counts()
    print(
        f"quality checks: {counts['pass']} passed, {counts['fail_error']} failed (error), "
        f"{counts['fail_warn']} failed (warn), {counts['error']} could not run; "
        f"report {report.html_path}"
    )
    _print_table("Quality checks (severity error blocks the publish)", report.summary())
    for check in report.blocking:
        print(f"  BLOCKING {check.engine}: {check.check}: {check.message}", file=sys.stderr)
    return report.ok


def cmd_validate(args: argparse.Namespace) -> int:
    from her2lung import quality

    db_path = Path(args.db)
    candidate = publish.candidate_path(db_path)
    target = candidate if candidate.exists() else db_path  # the newest build
    if not target.exists():
        print(f"her2lung: no warehouse at {db_path}; run `her2lung build` first", file=sys.stderr)
        return 2
    out_dir = Path(args.quality_dir) if args.quality_dir else quality.default_quality_dir(target)
    started = time.perf_counter()
    run_results = manifest = None
    if args.dbt_target:
        run_results, manifest = quality.read_dbt_artifacts(args.dbt_target)
    elif not args.no_dbt:
        print(f"running the dbt data tests on {target} ...", flush=True)
        dbt_target = out_dir / "dbt-target"
        result = warehouse.run_dbt(
            ["test", "--exclude-resource-type", "unit_test"],
            studies_dir=args.studies,
            db_path=db_path,
            target_path=dbt_target,
        )
        if result.run_results is None:
            print(result.stdout[-4000:])
            print("her2lung: dbt test did not run; no dbt results", file=sys.stderr)
            return 2
        run_results, manifest = quality.read_dbt_artifacts(dbt_target)
    print(f"great-expectations suite on {target} ...", flush=True)
    report = quality.validate(target, run_results=run_results, manifest=manifest, out_dir=out_dir)
    counts = report.counts()
    _print_table("Quality checks", report.summary(all_checks=args.all))
    print(
        f"\n{counts['pass']} passed, {counts['fail_error']} failed (error), "
        f"{counts['fail_warn']} failed (warn), {counts['error']} could not run, "
        f"{counts['skipped']} skipped in {time.perf_counter() - started:.1f} s"
    )
    for check in report.blocking:
        print(f"  BLOCKING {check.engine}: {check.check}: {check.message}", file=sys.stderr)
    print(f"results: {target} (quality.check_results, quality.check_failures)")
    print(f"report:  {report.html_path}")
    print(f"json:    {report.json_path}")
    print(f"GX Data Docs: {report.data_docs_index}")
    return 0 if report.ok else 1


def cmd_summary(args: argparse.Namespace) -> int:
    from her2lung import summary

    db_path = Path(args.db)
    if not db_path.exists():
        print(f"her2lung: no warehouse at {db_path}; run `her2lung build` first", file=sys.stderr)
        return 2
    with summary.connect_read_only(db_path) as con:
        _print_table("Studies", summary.study_counts(con))
        _print_table("Quarantined rows by reason", summary.rejected_counts(con))
        _print_table(
            "ERBB2 prevalence by driver cohort (patients, all studies, %)",
            summary.prevalence_table(con),
        )
    print(f"\nwarehouse: {db_path.resolve()}")
    if db_path.is_dir():
        print(f"Parquet tables built by Spark: {db_path}/<schema>.db/<table>/")
    else:
        print(f"open it read-only: duckdb -readonly {db_path}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from her2lung import report

    db_path = Path(args.db)
    if not db_path.exists():
        print(f"her2lung: no warehouse at {db_path}; run `her2lung build` first", file=sys.stderr)
        return 2
    print(f"writing the report for {db_path} into {args.out} ...", flush=True)
    written = report.write_report(db_path, Path(args.out), studies_dir=args.studies)
    if written.studies_dir is None:
        print("her2lung: studies folder unknown; data files were not checksummed", file=sys.stderr)
    elif written.missing_files:
        print(
            f"her2lung: {len(written.missing_files)} data file(s) not found under "
            f"{written.studies_dir}; not checksummed",
            file=sys.stderr,
        )
    print(f"{len(written.figure_paths)} figure(s) saved beside it")
    print(f"report: {written.html_path.resolve()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="her2lung", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the built-in synthetic demo study folders")
    demo.add_argument(
        "--out", required=True, help="studies folder to write (one sub-folder per study)"
    )
    demo.add_argument("--seed", type=int, default=8534)
    demo.add_argument("--scale", choices=["demo", "small", "genie"], default="demo")
    demo.add_argument(
        "--patients", type=int, help="patients of the one 'demo' study (default 2000)"
    )
    demo.add_argument(
        "--samples",
        type=int,
        help="about this many samples in all, scales 'small' and 'genie' (default 3000, 250000)",
    )
    demo.add_argument(
        "--studies", type=int, help="studies (centres), 1-20, scales 'small' and 'genie'"
    )
    demo.set_defaults(func=cmd_demo)

    build = sub.add_parser("build", help="dbt build the warehouse from the study folders")
    build.add_argument("--studies", default=str(_default_studies()))
    build.add_argument("--db", default=str(_default_db()))
    build.add_argument("--var", action="append", metavar="KEY=VALUE", help="dbt var (repeatable)")
    build.add_argument(
        "--target",
        choices=["dev", "spark"],
        default="dev",
        help="dev: one DuckDB file (--db); spark: Parquet tables built by Apache Spark (--warehouse)",
    )
    build.add_argument(
        "--warehouse",
        default=str(_default_spark_warehouse()),
        help="Spark warehouse folder (--target spark; default $HER2LUNG_SPARK_WAREHOUSE or "
        "warehouse/spark)",
    )
    build.set_defaults(func=cmd_build)

    val = sub.add_parser(
        "validate",
        help="run the data-quality suite (dbt tests + great-expectations) on a warehouse",
    )
    val.add_argument(
        "--db", default=str(_default_db()), help="warehouse (its candidate if present)"
    )
    val.add_argument("--studies", default=str(_default_studies()))
    val.add_argument("--quality-dir", help="report folder (default: quality/ beside the warehouse)")
    val.add_argument("--dbt-target", help="reuse this dbt target folder's results (no dbt run)")
    val.add_argument("--no-dbt", action="store_true", help="great-expectations only")
    val.add_argument("--all", action="store_true", help="list every dbt test, not just the suite")
    val.set_defaults(func=cmd_validate)

    summ = sub.add_parser("summary", help="print a summary of a built warehouse")
    summ.add_argument(
        "--db", default=str(_default_db()), help="DuckDB file, or a Spark warehouse folder"
    )
    summ.set_defaults(func=cmd_summary)

    rep = sub.add_parser("report", help="write the HTML report (and PNG figures) of a warehouse")
    rep.add_argument(
        "--db", default=str(_default_db()), help="DuckDB file, or a Spark warehouse folder"
    )
    rep.add_argument("--out", required=True, help="folder for report.html and the figures")
    rep.add_argument(
        "--studies", default=None, help="studies folder to checksum (default: the one built from)"
    )
    rep.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""her2lung command line: `her2lung demo | build | summary`.

The CLI is the only place that prints. Library functions return values.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

from her2lung import warehouse


def _default_studies() -> Path:
    return Path(os.environ.get("HER2LUNG_STUDIES_DIR", "studies"))


def _default_db() -> Path:
    return Path(os.environ.get("HER2LUNG_DB", str(warehouse.DEFAULT_DB)))


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
    manifest = write_demo_studies(
        Path(args.out), seed=args.seed, n_patients=args.patients, scale=args.scale
    )
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
    print(f"building the warehouse from {studies} into {db_path} (dbt build) ...", flush=True)
    started = time.perf_counter()
    result = warehouse.run_dbt(["build"], studies_dir=studies, db_path=db_path, dbt_vars=dbt_vars)
    elapsed = time.perf_counter() - started
    if not result.ok:
        print(result.stdout[-6000:])
        print(f"her2lung: build FAILED after {elapsed:.1f} s", file=sys.stderr)
        for failure in result.failures():
            print(
                f"  {failure['node']}: {failure['status']}: {failure['message']}", file=sys.stderr
            )
        return 1
    print(f"dbt build succeeded in {elapsed:.1f} s")
    return cmd_summary(argparse.Namespace(db=db_path))


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
    print(f"open it read-only: duckdb -readonly {db_path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="her2lung", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the built-in synthetic demo study folders")
    demo.add_argument(
        "--out", required=True, help="studies folder to write (one sub-folder per study)"
    )
    demo.add_argument("--seed", type=int, default=8534)
    demo.add_argument("--patients", type=int, default=2000, help="patients (scale 'demo' only)")
    demo.add_argument("--scale", choices=["demo", "small", "genie"], default="demo")
    demo.set_defaults(func=cmd_demo)

    build = sub.add_parser("build", help="dbt build the warehouse from the study folders")
    build.add_argument("--studies", default=str(_default_studies()))
    build.add_argument("--db", default=str(_default_db()))
    build.add_argument("--var", action="append", metavar="KEY=VALUE", help="dbt var (repeatable)")
    build.set_defaults(func=cmd_build)

    summ = sub.add_parser("summary", help="print a summary of a built warehouse")
    summ.add_argument("--db", default=str(_default_db()))
    summ.set_defaults(func=cmd_summary)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Build the her2lung dashboard: a static page over the PUBLISHED warehouse, opened read-only.

    .venv/bin/python bi/build.py [--db warehouse/her2lung.duckdb] [--out bi/build]

--db defaults to $HER2LUNG_DB, else warehouse/her2lung.duckdb. Reads driver-cohort sizes,
ERBB2 prevalence with exact CIs (marts) and Kaplan-Meier curves (analysis.km_curves; left out,
saying so, when the warehouse has none), embeds them in bi/build/index.html with Chart.js
(npm package chart.js, installed into bi/node_modules by `npm ci` on first use) and a small
renderer. The page needs no server and no network: open bi/build/index.html in a browser.

Why not Evidence: see docs/bi.md (its build and its pages load DuckDB-WASM's parquet
extension from the DuckDB extension CDN, which an offline machine cannot reach).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

BI = Path(__file__).resolve().parent
REPO = BI.parent
CHART_JS = BI / "node_modules" / "chart.js" / "dist" / "chart.umd.min.js"
KM_COMPARISON = "erbb2_altered_all"
KM_COMPARISON_LABEL = "ERBB2 altered (mutation or amplification) vs unaltered, all patients"

COHORTS_SQL = """
    with population as (
        select coalesce(any_value(population), 'luad') as population from marts.erbb2_prevalence
    ),

    patients as (
        select
            coalesce(p.driver_cohort, 'unknown') as cohort,
            p.is_erbb2_mutation_profiled,
            p.is_erbb2_cna_profiled
        from marts.fct_patient_genomics as p
        cross join population
        where case population.population when 'nsclc' then p.is_nsclc else p.is_luad end
    )

    select
        cohort as driver_cohort,
        count(*) as n_patients,
        count(*) filter (where is_erbb2_mutation_profiled) as n_erbb2_mutation_profiled,
        count(*) filter (where is_erbb2_cna_profiled) as n_erbb2_cna_profiled
    from patients
    group by cohort
    order by case cohort when 'KRAS' then 1 when 'EGFR' then 2 when 'ALK' then 3
        when 'multiple' then 4 when 'other' then 5 else 6 end, cohort
"""
PREVALENCE_SQL = """
    select driver_cohort, alteration, n_altered, n_profiled, pct, ci_low, ci_high
    from marts.erbb2_prevalence
    where unit = 'patient' and study_id = 'ALL'
    order by case driver_cohort when 'ALL' then 0 when 'KRAS' then 1 when 'EGFR' then 2
        when 'ALK' then 3 when 'multiple' then 4 when 'other' then 5 else 6 end,
        driver_cohort, alteration
"""
KM_CURVES_SQL = """
    select group_label, time_months, survival, n_at_risk, n_events
    from analysis.km_curves where comparison = ? order by group_label, time_months
"""
KM_MEDIANS_SQL = """
    select group_label, n, n_events, median_months
    from analysis.km_medians where comparison = ? order by group_label
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    return found > 0


def dashboard_data(db: Path) -> dict:
    """Everything the page shows, read from the published warehouse (read-only)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        build = _rows(
            con,
            "select build_id, cast(finished_at as varchar) as finished_at, studies_dir "
            "from meta.build_info",
        )[0]
        population = con.execute(
            "select coalesce(any_value(population), 'luad') from marts.erbb2_prevalence"
        ).fetchone()[0]
        data = {
            "build": build,
            "population": population,
            "cohorts": _rows(con, COHORTS_SQL),
            "prevalence": _rows(con, PREVALENCE_SQL),
            "km_comparison": KM_COMPARISON_LABEL,
            "km_curves": None,
            "km_medians": None,
        }
        if _has_table(con, "analysis", "km_curves") and _has_table(con, "analysis", "km_medians"):
            data["km_curves"] = _rows(con, KM_CURVES_SQL, [KM_COMPARISON])
            data["km_medians"] = _rows(con, KM_MEDIANS_SQL, [KM_COMPARISON])
    finally:
        con.close()
    return data


def ensure_chart_js() -> Path:
    if not CHART_JS.exists():
        print("bi: installing chart.js (npm ci) ...", flush=True)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=BI, check=True)
    return CHART_JS


def build(db: Path, out: Path) -> Path:
    """Write the dashboard into out/; returns out/index.html."""
    data = dashboard_data(db)
    chart_js = ensure_chart_js()
    out.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, default=str).replace("</", "<\\/")
    html = (BI / "src" / "index.html").read_text().replace("__DATA__", payload)
    (out / "index.html").write_text(html)
    for name in ("dashboard.js", "style.css"):
        shutil.copyfile(BI / "src" / name, out / name)
    shutil.copyfile(chart_js, out / chart_js.name)
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("HER2LUNG_DB", str(REPO / "warehouse" / "her2lung.duckdb")),
        help="the PUBLISHED warehouse file (opened read-only)",
    )
    parser.add_argument("--out", default=str(BI / "build"), help="output folder")
    args = parser.parse_args(argv)
    db = Path(args.db)
    if not db.is_file():
        print(
            f"bi: no published warehouse at {db}; build it first (her2lung build)", file=sys.stderr
        )
        return 2
    try:
        index = build(db, Path(args.out))
    except (duckdb.Error, subprocess.CalledProcessError, OSError) as exc:
        print(f"bi: could not build the dashboard: {exc}", file=sys.stderr)
        return 1
    print(f"bi: dashboard built from {db} (read-only): {index}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The same models on Apache Spark: the demo built on both targets gives the same marts and
analysis tables, row for row and value for value (floats to 1e-9), with the same column types.

Both builds run seeds and models only (the data and unit tests are the same files on both
engines and run in every `dbt build`); they run side by side to keep the test near a minute.
Skipped, with the reason, where pyspark, dbt-spark or Java is missing."""

from __future__ import annotations

import math
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from her2lung import spark, warehouse
from her2lung.demo import write_demo_studies

pytestmark = pytest.mark.spark

REASON = spark.spark_available()
COMPARED_SCHEMAS = ("marts", "analysis")
# Values that describe the dbt invocation rather than the data.
PER_INVOCATION_COLUMNS = {"invocation_id", "run_started_at_utc"}
NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if REASON:
        pytest.skip(f"Spark target not available: {REASON}")
    root = tmp_path_factory.mktemp("spark")
    studies = root / "studies"
    write_demo_studies(studies, n_patients=200)
    spark_dir, duck_db = root / "spark-warehouse", root / "her2lung.duckdb"
    spark_dir.mkdir()
    spark_build = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "her2lung.spark",
            "build",
            "--no-tests",
            "--target-path",
            str(root / "target-spark"),
        ],
        cwd=warehouse.project_dir(),
        env=spark.spark_env(studies, spark_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    duck = warehouse.run_dbt(
        ["build", *NO_TESTS], studies_dir=studies, db_path=duck_db, target_path=root / "target-duck"
    )
    spark_output, _ = spark_build.communicate()
    assert duck.ok, duck.stdout[-3000:]
    assert spark_build.returncode == 0, spark_output[-6000:]
    return duck_db, spark_dir


def _tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str]]]:
    """schema.table -> [(column, type)] for the compared schemas."""
    rows = con.execute(
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        f"where table_schema in {COMPARED_SCHEMAS} order by table_schema, table_name, ordinal_position"
    ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for schema, table, column, data_type in rows:
        tables.setdefault(f"{schema}.{table}", []).append((column, data_type))
    return tables


def _sort_key(value) -> tuple:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (0, "")
    if isinstance(value, float):
        return (1, f"{value:.6e}")  # robust to last-digit differences
    return (1, str(value))


def _rows(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> list[tuple]:
    select = ", ".join(f'"{c}"' for c in columns)
    rows = con.execute(f"select {select} from {table}").fetchall()
    return sorted(rows, key=lambda row: tuple(_sort_key(v) for v in row))


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def test_every_mart_and_analysis_table_is_identical(built):
    duck_db, spark_dir = built
    with (
        duckdb.connect(str(duck_db), read_only=True) as duck,
        spark.open_parquet_warehouse(spark_dir) as on_spark,
    ):
        duck_tables, spark_tables = _tables(duck), _tables(on_spark)
        assert sorted(spark_tables) == sorted(duck_tables)
        assert {"marts.erbb2_prevalence", "analysis.km_curves", "analysis.cox"} <= set(duck_tables)
        differences = []
        for table, duck_columns in sorted(duck_tables.items()):
            if spark_tables[table] != duck_columns:
                differences.append(f"{table}: columns {spark_tables[table]} != {duck_columns}")
                continue
            columns = [c for c, _ in duck_columns if c not in PER_INVOCATION_COLUMNS]
            duck_rows, spark_rows = _rows(duck, table, columns), _rows(on_spark, table, columns)
            if len(duck_rows) != len(spark_rows):
                differences.append(
                    f"{table}: {len(spark_rows)} rows on Spark, {len(duck_rows)} on DuckDB"
                )
                continue
            for duck_row, spark_row in zip(duck_rows, spark_rows, strict=True):
                unequal = [
                    f"{c}: {s!r} != {d!r}"
                    for c, d, s in zip(columns, duck_row, spark_row, strict=True)
                    if not _same(d, s)
                ]
                if unequal:
                    differences.append(f"{table}: {'; '.join(unequal)}")
                    break
        assert not differences, "\n".join(differences)


def test_the_spark_warehouse_has_spark_s_layout(built):
    _, spark_dir = built
    for schema in ("raw", "staging", "intermediate", "marts", "analysis", "reference"):
        assert (spark_dir / f"{schema}.db").is_dir(), schema
    assert list((spark_dir / "marts.db" / "erbb2_prevalence").glob("*.parquet"))
    prevalence = pd.read_parquet(spark_dir / "marts.db" / "erbb2_prevalence")
    assert len(prevalence) > 0

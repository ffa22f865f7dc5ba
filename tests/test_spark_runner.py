"""her2lung.spark's stand-in for dbt's Python-model API, without Spark: refs resolve to the
right tables, configs come from the parsed node, the DAG helpers order and follow the Python
models, and a table read from Spark (as Arrow) reaches the model with DuckDB's dtypes."""

from __future__ import annotations

from types import SimpleNamespace

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from her2lung import spark


def _node(uid, name, *, schema="analysis", language="sql", parents=(), resource_type="model"):
    return SimpleNamespace(
        unique_id=uid,
        name=name,
        alias=name,
        schema=schema,
        package_name="her2lung",
        resource_type=resource_type,
        language=language,
        depends_on=SimpleNamespace(nodes=list(parents)),
        config={"materialized": "table", "min_group_size": "10"},
        raw_code="",
        original_file_path=f"models/{name}.py",
        description="",
        columns={},
    )


@pytest.fixture
def manifest():
    nodes = [
        _node("seed.h.survival_comparisons", "survival_comparisons", schema="reference",
              resource_type="seed"),
        _node("model.h.fct_survival_cohorts", "fct_survival_cohorts", schema="marts"),
        _node("model.h.km_curves", "km_curves", language="python",
              parents=["model.h.fct_survival_cohorts"]),
        _node("model.h.stats", "stats", language="python", parents=["model.h.km_curves"]),
        _node("model.h.survival_settings", "survival_settings", parents=["model.h.stats"]),
        _node("test.h.unique_km", "unique_km", resource_type="test",
              parents=["model.h.km_curves"]),
    ]  # fmt: skip
    return SimpleNamespace(nodes={n.unique_id: n for n in nodes}, sources={})


class _FakeSession:
    def __init__(self, tables):
        self.tables = tables

    def table(self, name):
        return SimpleNamespace(toArrow=lambda: self.tables[name])


def test_ref_reads_the_model_or_seed_table_and_config_comes_from_the_node(manifest):
    arrow = pa.table({"comparison": ["a", "b"], "group_label": ["x", None]})
    session = _FakeSession(
        {"marts.fct_survival_cohorts": arrow, "reference.survival_comparisons": arrow}
    )
    dbt = spark._Dbt(manifest.nodes["model.h.km_curves"], manifest, session)
    assert dbt.ref("fct_survival_cohorts").table == "marts.fct_survival_cohorts"
    assert dbt.ref("survival_comparisons").table == "reference.survival_comparisons"
    assert list(dbt.ref("fct_survival_cohorts").df()["comparison"]) == ["a", "b"]
    assert dbt.config.get("min_group_size") == "10"
    assert dbt.config.get("absent", 3) == 3
    assert dbt.config(materialized="table") == ""
    assert dbt.this == "analysis.km_curves"
    with pytest.raises(KeyError, match="not_a_model"):
        dbt.ref("not_a_model")


def test_python_models_come_parents_first_and_their_descendants_are_found(manifest):
    ordered = [n.name for n in spark.python_model_nodes(manifest)]
    assert ordered == ["km_curves", "stats"]
    found = spark.descendants(manifest, ["model.h.km_curves"])
    assert found == {"model.h.stats", "model.h.survival_settings", "test.h.unique_km"}


def test_a_table_read_from_spark_has_the_dtypes_duckdb_gives_it():
    arrow = pa.table(
        {
            "n": pa.array([1, None], pa.int64()),
            "flag": pa.array([True, None], pa.bool_()),
            "x": pa.array([1.5, None], pa.float64()),
            "label": pa.array(["a", None], pa.string()),
        }
    )
    with duckdb.connect() as con:
        con.register("t", arrow)
        from_duckdb = con.sql("select * from t").df()
    from_spark = spark.spark_to_pandas(SimpleNamespace(toArrow=lambda: arrow))
    pd.testing.assert_frame_equal(from_spark, from_duckdb)
    assert str(from_spark["n"].dtype) == "Int64"

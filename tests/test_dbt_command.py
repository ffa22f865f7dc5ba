"""How her2lung runs dbt (her2lung.warehouse.dbt_command): from the warehouse's folder with the
warehouse named by its file name, so that dbt's partial-parse state carries over between
warehouses of the same name; with $HER2LUNG_DBT_PARSE_CACHE, a new target folder starts from
the state of an earlier run of the same kind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from her2lung.warehouse import PARSE_CACHE_ENV, dbt_command, run_dbt


def test_dbt_runs_in_the_warehouse_folder_with_the_file_name(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv(PARSE_CACHE_ENV, raising=False)
    command = dbt_command(
        ["build"],
        studies_dir=tmp_path / "studies",
        db_path=tmp_path / "a" / "her2lung.duckdb",
        target_path=tmp_path / "target",
    )
    assert command.cwd == (tmp_path / "a").resolve() and command.cwd.is_dir()
    assert command.env["HER2LUNG_DB"] == "her2lung.duckdb"
    assert command.env["HER2LUNG_STUDIES_DIR"] == str((tmp_path / "studies").resolve())
    assert command.argv[-2:] == ["--target-path", str(tmp_path / "target")]
    assert command.cached_state is None and "DBT_PARTIAL_PARSE_FILE_PATH" not in command.env


def _cached(tmp_path: Path, db: str, args=("build",), dbt_vars=None) -> Path | None:
    return dbt_command(
        list(args),
        studies_dir=tmp_path,
        db_path=tmp_path / db,
        dbt_vars=dbt_vars,
        target_path=tmp_path / "target",
    ).cached_state


def test_the_cache_keeps_one_state_per_kind_of_run(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache"))
    plain = _cached(tmp_path, "x/her2lung.duckdb")
    assert plain is not None and plain.parent == tmp_path / "cache"
    # the same kind: another folder, another command, the same file name
    assert _cached(tmp_path, "y/her2lung.duckdb", args=("parse",)) == plain
    # another kind: the warehouse's file name (the DuckDB catalog), --vars, --target
    others = {
        _cached(tmp_path, "x/other.duckdb"),
        _cached(tmp_path, "x/her2lung.duckdb", dbt_vars={"min_group_size": 3}),
        _cached(tmp_path, "x/her2lung.duckdb", args=("build", "--vars", "{a: 1}")),
        _cached(tmp_path, "x/her2lung.duckdb", args=("build", "--target", "spark")),
    }
    assert len(others) == 4 and plain not in others


@pytest.mark.slow
def test_a_new_target_folder_starts_from_the_cached_state(tmp_path, monkeypatch) -> None:
    """Two warehouses of the same name in two folders, each with its own target folder: the
    second run parses partially from the first one's state (a full parse says why it could
    not parse partially: "Unable to do partial parsing")."""
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache"))
    (tmp_path / "studies").mkdir()
    outputs = []
    for name in ("a", "b"):
        result = run_dbt(
            ["parse"],
            studies_dir=tmp_path / "studies",
            db_path=tmp_path / name / "her2lung.duckdb",
            target_path=tmp_path / name / "target",
        )
        assert result.ok, result.stdout[-3000:]
        outputs.append(result.stdout)
    assert "Unable to do partial parsing" in outputs[0]
    assert "Unable to do partial parsing" not in outputs[1]
    assert len(list((tmp_path / "cache").glob("*.msgpack"))) == 1


def test_only_a_state_the_run_wrote_goes_into_the_cache(tmp_path, monkeypatch) -> None:
    """A state older than the run (another kind's, left in the target folder by a run that
    then failed before parsing) is not filed under this run's kind."""
    monkeypatch.setenv(PARSE_CACHE_ENV, str(tmp_path / "cache"))
    command = dbt_command(
        ["build"],
        studies_dir=tmp_path,
        db_path=tmp_path / "her2lung.duckdb",
        target_path=tmp_path / "target",
    )
    command.state.parent.mkdir(parents=True)
    command.state.write_bytes(b"state")
    os.utime(command.state, (1_000_000, 1_000_000))
    command.remember_parse_state(started=2_000_000)
    assert command.cached_state is not None and not command.cached_state.exists()
    command.remember_parse_state(started=500_000)
    assert command.cached_state.read_bytes() == b"state"
    assert [p.name for p in command.cached_state.parent.iterdir()] == [command.cached_state.name]

"""The dbt-duckdb plugin's code version: what the models built by study compare, besides the
data, before they keep a study's rows (macros/io/incremental_studies.sql)."""

from __future__ import annotations

import shutil
from pathlib import Path

from her2lung import warehouse
from her2lung.dbt_plugin import code_version


def _project_copy(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    source = warehouse.project_dir()
    project.mkdir()
    shutil.copy(source / "dbt_project.yml", project / "dbt_project.yml")
    for folder in ("models", "macros", "seeds"):
        shutil.copytree(source / folder, project / folder)
    return project


def _version(project: Path) -> str:
    code_version.cache_clear()
    return code_version(str(project))


def test_same_code_same_version(tmp_path):
    project = _project_copy(tmp_path)
    assert _version(project) == _version(warehouse.project_dir())
    assert len(_version(project)) == 64


def test_a_macro_a_seed_a_model_or_a_var_default_changes_the_version(tmp_path):
    project = _project_copy(tmp_path)
    seen = {_version(project)}
    edits = [
        project / "macros" / "io" / "cbioportal_parsing.sql",
        project / "seeds" / "variant_classifications.csv",
        project / "models" / "marts" / "core" / "fct_alterations.sql",
        project / "dbt_project.yml",
    ]
    for path in edits:
        path.write_text(path.read_text() + "\n")
        version = _version(project)
        assert version not in seen, path
        seen.add(version)


def test_files_outside_the_code_do_not_change_it(tmp_path):
    project = _project_copy(tmp_path)
    before = _version(project)
    (project / "models" / "notes.txt").write_text("not code")
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    assert _version(project) == before

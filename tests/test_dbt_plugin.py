"""The dbt-duckdb plugin's code version: what the models built by study compare, besides the
data, before they keep a study's rows (macros/io/incremental_studies.sql); and its file
fingerprint: what the raw models compare before they keep a file's rows
(macros/io/incremental_files.sql)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import duckdb

from her2lung import warehouse
from her2lung.dbt_plugin import code_version, file_fingerprint


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


def test_fingerprint_is_size_and_content_hash(tmp_path):
    path = tmp_path / "data_CNA.txt"
    path.write_bytes(b"Hugo_Symbol\tS1\nERBB2\t2\n")
    expected = f"23:{hashlib.sha256(path.read_bytes()).hexdigest()}"
    assert file_fingerprint(str(path)) == expected


def test_fingerprint_follows_the_content_not_the_time(tmp_path):
    path = tmp_path / "data_CNA.txt"
    path.write_bytes(b"Hugo_Symbol\tS1\nERBB2\t2\n")
    first = file_fingerprint(str(path))
    times = (path.stat().st_atime_ns, path.stat().st_mtime_ns)
    # same size, same modification time, other content: a change
    path.write_bytes(b"Hugo_Symbol\tS1\nERBB2\t1\n")
    os.utime(path, ns=times)
    edited = file_fingerprint(str(path))
    assert edited != first
    # same bytes again, a later time, through a symlink: the first version
    path.write_bytes(b"Hugo_Symbol\tS1\nERBB2\t2\n")
    os.utime(path, ns=(times[0], times[1] + 5_000_000_000))
    link = tmp_path / "link.txt"
    link.symlink_to(path)
    assert file_fingerprint(str(path)) == file_fingerprint(str(link)) == first


def test_fingerprint_of_a_missing_or_unreadable_file_says_so(tmp_path):
    assert file_fingerprint(str(tmp_path / "gone.txt")).startswith("unreadable: ")
    folder = tmp_path / "a_folder"
    folder.mkdir()
    assert file_fingerprint(str(folder)).startswith("unreadable: ")


def test_fingerprint_as_registered_on_a_connection(tmp_path):
    """The SQL function the raw models call, on a connection the plugin configured."""
    from her2lung.dbt_plugin import Plugin

    path = tmp_path / "x.txt"
    path.write_bytes(b"abc")
    con = duckdb.connect()
    plugin = Plugin.__new__(Plugin)
    plugin.candidate, plugin.published = str(tmp_path / "c.duckdb"), str(tmp_path / "p.duckdb")
    plugin.configure_connection(con)
    (value,) = con.execute("select her2lung_file_fingerprint(?)", [str(path)]).fetchone()
    assert value == f"3:{hashlib.sha256(b'abc').hexdigest()}"

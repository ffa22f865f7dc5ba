"""Shared pytest set-up: make the helper modules in tests/ importable under any import mode."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

# pytest-xdist workers (tasks.py runs the suite on every core) execute with a `__main__` module
# that has neither __spec__ nor __file__. pyspark takes exactly that for "running doctests"
# and calls sys.exit(0) when great-expectations imports pyspark.sql.connect without grpc
# installed (pyspark/sql/connect/utils.py). Name the worker's main module so it does not.
_main = sys.modules.get("__main__")
if (
    _main is not None
    and getattr(_main, "__spec__", None) is None
    and not hasattr(_main, "__file__")
):
    _main.__file__ = "<pytest-xdist worker>"


# --------------------------------------------------------------------------- scheduling
# `python3 tasks.py test` spreads the files over pytest-xdist workers (--dist loadfile): every
# file is one unit of work (its tests share the module's build), and the files that read one
# shared build (shared_builds.py) form one unit, so that no worker waits for another's build.
# (xdist's own --dist loadgroup marks tests through a node attribute that pytest 9.2 no longer
# reads, hence the scheduler below.)
SHARED_BUILD_GROUPS = {
    "published_demo": (
        "test_publish.py",
        "test_hostile_input.py",
        "test_duckdb_shell.py",
        "test_bi_dashboard.py",
    ),
    "demo_warehouse": ("test_survival_warehouse.py", "test_report.py"),
    "tcga_luad": ("test_e2e_real_studies.py", "test_marts_tcga.py"),
}
_GROUP_OF_FILE = {name: group for group, files in SHARED_BUILD_GROUPS.items() for name in files}


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: plain pytest runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadfile, with the files of one shared build in one unit of work."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class SharedBuildScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            name = super()._split_scope(nodeid).rsplit("/", 1)[-1]
            return _GROUP_OF_FILE.get(name, name)

    return SharedBuildScheduling(config, log)

"""Shared pytest set-up: make the helper modules in tests/ importable under any import mode."""

from __future__ import annotations

import os
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


# ---------------------------------------------------------------------------- dbt settings
# No log file for the suite's dbt runs: every worker's runs would append to the one
# logs/dbt.log of the project, which rotates every 10 MB, so it helps no one here. Tests read
# dbt's stdout. (The project keeps that file at info, dbt_project.yml; at dbt's default, debug,
# writing it cost about 8% of a build's CPU: the tiny demo took 43.9 and 42.2 s with it, 40.7
# and 38.7 s without.)
os.environ.setdefault("DBT_LOG_LEVEL_FILE", "none")


# ------------------------------------------------------------------------- dbt parse state
@pytest.fixture(scope="session", autouse=True)
def dbt_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dbt parse-state cache for the session, shared by the workers
    ($HER2LUNG_DBT_PARSE_CACHE, her2lung.warehouse.dbt_command): the suite's many target
    folders then begin with a partial parse (about 2 s) rather than a full one (about 9 s),
    once a run of the same kind (--vars, warehouse file name) has parsed."""
    from shared_builds import session_root

    from her2lung.warehouse import PARSE_CACHE_ENV

    cache = session_root(tmp_path_factory) / "dbt-parse-cache"
    os.environ[PARSE_CACHE_ENV] = str(cache)
    return cache


# --------------------------------------------------------------------------- scheduling
# `python3 tasks.py test` spreads the files over pytest-xdist workers (--dist loadfile): every
# file is one unit of work (its tests share the module's fixtures), and the files that read
# one shared build (shared_builds.py) and are cheap beside it form one unit. The suite's time
# is the busiest worker's, so the units go out longest first (the rough seconds below, measured
# on 2 cores with `--durations`; unlisted files are short and go last), and a worker is given
# its next unit only when its current one is nearly done, so that no long unit waits queued
# behind another while a worker is idle. The first file to ask for a shared build makes it
# (under a lock) and the others wait for it: test_spark.py and test_publish.py start first and
# one of them makes the published demo (the Spark build runs meanwhile), long before the
# shorter files that read it too. (xdist's own --dist loadgroup marks tests through a node
# attribute that pytest 9.2 no longer reads, hence the scheduler below.)
SHARED_BUILD_GROUPS = {
    "demo_warehouse": ("test_survival_warehouse.py", "test_report.py"),
    "tcga_luad": ("test_e2e_real_studies.py", "test_marts_tcga.py"),
}
_GROUP_OF_FILE = {name: group for group, files in SHARED_BUILD_GROUPS.items() for name in files}
EXPECTED_SECONDS = {
    "test_publish.py": 295,
    "test_spark.py": 290,
    "test_incremental.py": 255,
    "test_incremental_panels.py": 130,
    "test_hostile_input.py": 125,
    "demo_warehouse": 70,
    "tcga_luad": 65,
    "test_cli_demo.py": 55,
    "test_quality.py": 40,
    "test_validator_suite.py": 40,
    "test_dbt_command.py": 20,
    "test_bi_dashboard.py": 10,
}


def _unit_of(nodeid: str) -> str:
    name = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    return _GROUP_OF_FILE.get(name, name)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest units first (a stable sort: the tests of a unit keep their order)."""
    items.sort(key=lambda item: -EXPECTED_SECONDS.get(_unit_of(item.nodeid), 0))


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: plain pytest runs without it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """--dist loadfile over the units above, in collection order, one unit ahead at most."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    config.option.loadscopereorder = False  # keep the longest-first order of the collection

    class LongestFirstScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return _unit_of(nodeid)

        def _reschedule(self, node) -> None:
            # xdist tops a worker up while it has 2 tests pending; a unit of 1-2 tests (a long
            # build and its checks) would then queue the next long unit behind it. A worker
            # holds its last test until it knows the next one, so top up at 1.
            if node.shutting_down:
                return
            if not self.workqueue:
                node.shutdown()
                return
            if self._pending_of(self.assigned_work[node]) > 1:
                return
            self._assign_work_unit(node)

    return LongestFirstScheduling(config, log)

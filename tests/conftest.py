"""Shared pytest set-up: make the helper modules in tests/ importable under any import mode."""

from __future__ import annotations

import sys
from pathlib import Path

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

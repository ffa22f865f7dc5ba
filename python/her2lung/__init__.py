"""her2lung: an analytics warehouse for HER2 (ERBB2) alterations in NSCLC."""

import importlib
import threading
from types import ModuleType

__version__ = "0.1.0"

_IMPORT_LOCK = threading.Lock()


def load(name: str) -> ModuleType:
    """``her2lung.<name>``, imported one thread at a time.

    dbt runs the Python models in worker threads, and two threads importing lifelines or scipy
    for the first time at once can fail ("dictionary changed size during iteration"). The
    models import the statistics modules through this lock instead of having the dbt plugin
    import them (3 s) in every dbt run, including the many that run no Python model."""
    with _IMPORT_LOCK:
        return importlib.import_module(f"her2lung.{name}")

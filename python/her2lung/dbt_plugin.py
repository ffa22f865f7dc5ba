"""dbt-duckdb plugin: the file-system helpers the her2lung macros cannot do in Jinja.

Configured in profiles/profiles.yml::

    plugins:
      - module: her2lung.dbt_plugin
        alias: her2lung
        config:
          published_path: "{{ env_var('HER2LUNG_DB', 'warehouse/her2lung.duckdb') }}"

On connect it starts a missing candidate file from a copy of the published warehouse, and it
registers these SQL functions on the connection (and so on every dbt cursor):

``her2lung_publish(build_id)``
    Atomically replace the published file with the (checkpointed) candidate the connection
    has open; returns a one-line message, starting ``NOT PUBLISHED:`` on failure. See :func:`her2lung.publish.publish_file`.
``her2lung_published_path()``
    The published file's absolute path.
``her2lung_real_path(path)``
    ``os.path.realpath``: where a path really points after following every symlink. The file
    listing macro uses it to refuse files that resolve outside their study folder.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import VARCHAR

from her2lung import publish


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        published = plugin_config.get("published_path")
        if not published:
            raise ValueError("her2lung.dbt_plugin needs config 'published_path'")
        self.published = os.path.abspath(str(published))
        self.candidate = os.path.abspath(str(self.creds.path)) if self.creds else None
        if self.candidate is None or self.candidate == self.published:
            raise ValueError(
                "her2lung.dbt_plugin: the profile's path must be the candidate file, not the "
                f"published warehouse {self.published}"
            )

    def update_connection_config(self, creds, config: dict[str, Any]) -> None:
        # Called just before duckdb.connect(candidate): start from the published tables.
        os.makedirs(os.path.dirname(self.candidate), exist_ok=True)
        publish.seed_candidate(self.published)

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        candidate, published = self.candidate, self.published

        def her2lung_publish(build_id: str) -> str:
            # Return the failure as text: the hook turns it into a clean hook error instead
            # of a Python traceback out of the UDF.
            try:
                done = publish.publish_file(candidate, published, expected_build_id=build_id)
            except (publish.PublishError, OSError, duckdb.Error) as exc:
                return f"NOT PUBLISHED: {type(exc).__name__}: {exc}"
            return done.message()

        functions = [
            ("her2lung_publish", her2lung_publish, [VARCHAR], VARCHAR),
            ("her2lung_published_path", lambda: published, [], VARCHAR),
            ("her2lung_real_path", lambda path: os.path.realpath(path), [VARCHAR], VARCHAR),
        ]
        for name, function, parameters, returns in functions:
            # DuckDB caches the database instance per file within a process: a reconnect
            # (dbt retries, a second adapter) finds the function already registered.
            with contextlib.suppress(duckdb.InvalidInputException, duckdb.CatalogException):
                conn.remove_function(name)
            conn.create_function(name, function, parameters, returns, side_effects=True)

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
    has open; returns a one-line message, starting ``NOT PUBLISHED:`` on failure.
    See :func:`her2lung.publish.publish_file`.
``her2lung_published_path()``
    The published file's absolute path.
``her2lung_real_path(path)``
    ``os.path.realpath``: where a path really points after following every symlink. The file
    listing macro uses it to refuse files that resolve outside their study folder.
``her2lung_inspect_file(path, max_line_bytes)``
    :func:`inspect_data_file`: ``'text'``, ``'gzip'`` or ``'problem: ...'`` for a data file,
    checked before DuckDB's CSV reader sees it (macro union_data_lines).
``her2lung_file_fingerprint(path)``
    :func:`file_fingerprint`: ``'<size>:<sha256 of the content>'``. A raw model keeps the
    rows of a file while its fingerprint is the one recorded when they were read
    (macros/io/incremental_files.sql).
``her2lung_code_version(project_dir)``
    :func:`code_version`: a hash of the project's models, macros, seeds and dbt_project.yml.
    The models built incrementally by study keep a study's rows only while it is unchanged
    (macros/io/incremental_studies.sql).
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import gzip
import hashlib
import os
from pathlib import Path
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection
from duckdb.sqltypes import BIGINT, VARCHAR

from her2lung import publish

# The reader's reserved field separator (macro read_data_lines): a line holding it would be
# split by the reader, so a file containing it is refused.
READER_SENTINEL = b"\x1f\x1e\x1d\x1c"
_CHUNK = 8 * 1024 * 1024
_MAGIC = {
    b"PK\x03\x04": "zip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}


def inspect_data_file(path: str, max_line_bytes: int | None = None) -> str:
    """What DuckDB's line reader cannot be trusted with, found in one streaming pass.

    Returns ``'text'`` or ``'gzip'`` (gzip content, whatever the file name; read with
    ``compression='gzip'``), or ``'problem: <why, with the line number>'`` for a file that
    must not be read: bytes that are not UTF-8, a bare CR line ending (classic Mac; DuckDB's
    reader would drop the character after it), the reader's reserved separator, a line longer
    than ``max_line_bytes`` (the reader's limit), or another compression format.
    """
    try:
        with open(path, "rb") as raw:
            head = raw.read(6)
    except OSError as exc:
        return f"problem: cannot open the file: {exc.strerror}"
    for magic, name in _MAGIC.items():
        if head.startswith(magic):
            return f"problem: the file is {name}-compressed; only gzip (or plain text) is read"
    kind = "gzip" if head.startswith(b"\x1f\x8b") else "text"
    opener = gzip.open if kind == "gzip" else open
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    limit = None if not max_line_bytes else max(int(max_line_bytes) - 2, 1)
    line = 1  # line number at the start of `body`
    run = 0  # bytes of the line still open at the end of the previous body
    carry = b""
    try:
        with opener(path, "rb") as stream:
            while True:
                chunk = stream.read(_CHUNK)
                data = carry + chunk
                final = not chunk
                # keep a tail back so that the sentinel or a CR LF pair split across two
                # chunks is seen whole next time
                keep = 0 if final else len(READER_SENTINEL) - 1
                body, carry = data[: len(data) - keep], data[len(data) - keep :]
                if not final and body.endswith(b"\r"):
                    body, carry = body[:-1], b"\r" + carry
                problem = _inspect_chunk(body, line, decoder, final)
                if problem:
                    return f"problem: {problem}"
                if limit is not None:
                    at, run = _long_line(body, run, limit)
                    if at is not None:
                        where = line + body.count(b"\n", 0, at)
                        return (
                            f"problem: line {where} is longer than max_line_bytes "
                            f"({max_line_bytes} bytes); raise the dbt var max_line_bytes"
                        )
                line += body.count(b"\n")
                if final:
                    return kind
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        return f"problem: the gzip stream is damaged or truncated ({exc})"


def _inspect_chunk(body: bytes, line: int, decoder, final: bool) -> str | None:
    if b"\r" in body and b"\r" in body.replace(b"\r\n", b""):
        at = _bare_cr_offset(body)
        where = line + body.count(b"\n", 0, at)
        return (
            f"line {where} ends with a bare CR (classic Mac line ending); "
            "save the file with LF or CRLF line endings"
        )
    at = body.find(READER_SENTINEL)
    if at >= 0:
        where = line + body.count(b"\n", 0, at)
        return f"line {where} contains the reader's reserved control bytes 1F 1E 1D 1C"
    try:
        decoder.decode(body, final)
    except UnicodeDecodeError as exc:
        where = line + body.count(b"\n", 0, max(exc.start, 0))
        bad = body[exc.start : exc.start + 1].hex().upper() if exc.start < len(body) else "?"
        return f"line {where} is not valid UTF-8 (byte {bad}); save the file as UTF-8"
    return None


def _long_line(body: bytes, run: int, limit: int) -> tuple[int | None, int]:
    """(offset in body of a line longer than limit, or None; bytes of the line left open).

    Jumps window by window (rfind over `limit` bytes) rather than line by line, so a file of
    short lines costs one memchr pass."""
    first = body.find(b"\n")
    if first < 0:
        run += len(body)
        return (0 if run > limit else None), run
    if run + first > limit:
        return 0, run
    pos, last = first + 1, body.rfind(b"\n")
    while last - pos > limit:
        newline = body.rfind(b"\n", pos, pos + limit + 1)
        if newline < 0:
            return pos, 0
        pos = newline + 1
    run = len(body) - (last + 1)
    return (last + 1 if run > limit else None), run


def _bare_cr_offset(body: bytes) -> int | None:
    start = 0
    while True:
        at = body.find(b"\r", start)
        if at < 0:
            return None
        if body[at + 1 : at + 2] != b"\n":
            return at
        start = at + 2


def file_fingerprint(path: str) -> str:
    """``'<size>:<sha256 hex of the content>'`` of a file (symlinks followed), or
    ``'unreadable: <why>'``.

    The content, not the modification time, decides whether a file changed: an edit that keeps
    the size within the same second (file times are read to the second), or a copy that keeps
    the old time (``cp -p``, ``rsync -a``, ``shutil.copytree``, a tar archive) is still a
    change, and a file rewritten with the same bytes (``git checkout``, a re-download) is not.
    Hashing costs a sequential read (0.63 s for the 523 MB of the GENIE-scale demo,
    benchmarks/RESULTS.md), far less than parsing the file. Within a process each file version
    (device, inode, size, times) is hashed once, however many models list it."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    return _hashed(path, st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


@functools.lru_cache(maxsize=4096)
def _hashed(path: str, dev: int, ino: int, size: int, mtime_ns: int, ctime_ns: int) -> str:
    try:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256")
    except OSError as exc:
        return f"unreadable: {exc.strerror}"
    return f"{size}:{digest.hexdigest()}"


# What decides a model's rows besides the data: the SQL and Python of the models, the macros,
# the seeds and the project's vars (dbt_project.yml).
_CODE_FOLDERS = ("models", "macros", "seeds")
_CODE_SUFFIXES = {".sql", ".py", ".csv", ".yml", ".yaml"}


@functools.lru_cache(maxsize=8)
def code_version(project_dir: str) -> str:
    """SHA-256 of every code file of the dbt project (path and content), in path order.

    Computed once per process and folder (the code does not change during a dbt run)."""
    root = Path(project_dir).resolve()
    files = [root / "dbt_project.yml"]
    for folder in _CODE_FOLDERS:
        files += sorted(p for p in (root / folder).rglob("*") if p.suffix in _CODE_SUFFIXES)
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


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
            ("her2lung_inspect_file", inspect_data_file, [VARCHAR, BIGINT], VARCHAR),
            ("her2lung_file_fingerprint", file_fingerprint, [VARCHAR], VARCHAR),
            ("her2lung_code_version", code_version, [VARCHAR], VARCHAR),
        ]
        for name, function, parameters, returns in functions:
            # DuckDB caches the database instance per file within a process: a reconnect
            # (dbt retries, a second adapter) finds the function already registered.
            with contextlib.suppress(duckdb.InvalidInputException, duckdb.CatalogException):
                conn.remove_function(name)
            conn.create_function(name, function, parameters, returns, side_effects=True)

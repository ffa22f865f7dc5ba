"""Atomic publishing of the warehouse file.

Every build writes into a *candidate* file next to the published one
(``her2lung.duckdb`` -> ``her2lung.candidate.duckdb``, see :func:`candidate_path`). The
*published* file is never opened for writing: when everything succeeded the candidate is
checkpointed, copied to a temporary file in the published file's folder, flushed to disk and
renamed over the published path with :func:`os.replace`. A reader that opened the old file
keeps its inode and a consistent view; a reader that opens the path afterwards sees the new
file; nobody ever sees a half-written one. A failed or killed build never reaches the rename,
so the published file stays byte for byte what it was.

Two callers share :func:`publish_file`:

* plain ``dbt build``: the on-run-end hook (macro ``her2lung_publish_if_complete``) stamps
  ``meta.build_info``, runs ``CHECKPOINT`` and calls the SQL function ``her2lung_publish()``,
  which the dbt-duckdb plugin :mod:`her2lung.dbt_plugin` registers;
* ``her2lung build``: dbt with the hook's publish turned off, then the quality checks, then
  :func:`publish_candidate` from Python.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

CANDIDATE_MARK = ".candidate"
# For tests only (tests/test_publish.py): seconds to wait once the copy is written, before it
# is checked and renamed over the published file. The SIGKILL trials need a publish step long
# enough to land kills inside it; copied in the kernel, a small warehouse takes milliseconds.
PAUSE_ENV = "HER2LUNG_PUBLISH_TEST_PAUSE_S"

_TMP_PREFIX = "."
_TMP_INFIX = ".publish-"
_TMP_SUFFIX = ".tmp"


class PublishError(RuntimeError):
    """The candidate could not be published; the published file was left untouched."""


@dataclass(frozen=True)
class Published:
    """What one publish did."""

    published: Path
    candidate: Path
    build_id: str | None
    size_bytes: int
    seconds: float

    def message(self) -> str:
        mb = self.size_bytes / 1e6
        build = f" (build {self.build_id})" if self.build_id else ""
        return f"published {self.published}{build}: {mb:.1f} MB in {self.seconds:.2f} s"


def candidate_path(published: Path | str) -> Path:
    """The file a build writes into, beside the published one.

    ``w/her2lung.duckdb`` -> ``w/her2lung.candidate.duckdb``; a name without the
    ``.duckdb`` suffix gets ``.candidate`` appended. Must agree with profiles/profiles.yml.
    DuckDB names the catalog after the first dot-separated part of the file name, so both
    files have the same catalog name and views stored in them resolve in either.
    """
    path = Path(published)
    name = path.name
    if name.endswith(".duckdb"):
        return path.with_name(name[: -len(".duckdb")] + CANDIDATE_MARK + ".duckdb")
    return path.with_name(name + CANDIDATE_MARK)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_temp_files(target: Path) -> list[Path]:
    """Temporary copies towards ``target`` left by a process that died (e.g. killed mid-copy)."""
    target = Path(target)
    prefix = f"{_TMP_PREFIX}{target.name}{_TMP_INFIX}"
    stale = []
    if not target.parent.is_dir():
        return stale
    for entry in target.parent.iterdir():
        if not (entry.name.startswith(prefix) and entry.name.endswith(_TMP_SUFFIX)):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not _pid_alive(int(pid_text)):
            stale.append(entry)
    return stale


def _copy_durably(source: Path, target: Path) -> int:
    """Copy source to a new file target and fsync it; returns the number of bytes.

    The bytes move inside the kernel (copy_file_range: no trip through Python's buffers; on
    file systems with reflinks, such as XFS and Btrfs, a copy-on-write clone). Where the
    kernel or file system refuses, the rest is copied in 16 MB blocks. Publishing the
    GENIE-scale warehouse (1.07 GB, ext4, so no clone) after the benchmark's add-one-study build
    took 0.98 s this way and 3.66-3.76 s with the block copy (benchmarks/RESULTS.md)."""
    with open(source, "rb") as src, open(target, "xb") as dst:
        copied = _kernel_copy(src.fileno(), dst.fileno())
        src.seek(copied)
        dst.seek(copied)
        shutil.copyfileobj(src, dst, length=16 * 1024 * 1024)
        dst.flush()
        os.fsync(dst.fileno())
        return dst.tell()


def _kernel_copy(src_fd: int, dst_fd: int) -> int:
    """Bytes copied from src_fd to dst_fd with os.copy_file_range, from and to their current
    offsets, until the end of the source or the first refusal (EXDEV, ENOSYS, EOPNOTSUPP...;
    0 where Python lacks it)."""
    copy_file_range = getattr(os, "copy_file_range", None)
    copied = 0
    while copy_file_range is not None:
        try:
            n = copy_file_range(src_fd, dst_fd, 1 << 30)
        except OSError:
            break
        if n == 0:
            break
        copied += n
    return copied


def read_build_id(db_path: Path | str) -> str | None:
    """meta.build_info.build_id of a warehouse file (opened read-only), None if absent."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'meta' and table_name = 'build_info'"
        ).fetchone()[0]
        if not found:
            return None
        row = con.execute("select build_id from meta.build_info").fetchone()
        return None if row is None else row[0]
    finally:
        con.close()


def publish_file(
    candidate: Path | str, published: Path | str, *, expected_build_id: str | None = None
) -> Published:
    """Atomically replace ``published`` with a copy of the (checkpointed) ``candidate``.

    The caller must have checkpointed the candidate and must not write to it until this
    returns. The copy is opened read-only and checked (it must be a DuckDB file whose
    ``meta.build_info`` names ``expected_build_id``, when given) before the rename. Raises
    :class:`PublishError` and leaves ``published`` untouched on any problem.
    """
    started = time.perf_counter()
    candidate = Path(os.path.abspath(candidate))
    published = Path(os.path.abspath(published))
    if not candidate.is_file():
        raise PublishError(f"no candidate warehouse at {candidate}")
    if published.exists() and os.path.samefile(candidate, published):
        raise PublishError(f"candidate and published warehouse are the same file: {published}")
    wal = _wal(candidate)
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal} is not empty: the candidate was not checkpointed, refusing to publish it"
        )
    published.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_temp_files(published):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    tmp = published.with_name(
        f"{_TMP_PREFIX}{published.name}{_TMP_INFIX}{os.getpid()}-{time.time_ns()}{_TMP_SUFFIX}"
    )
    try:
        size = _copy_durably(candidate, tmp)
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))
        try:
            build_id = read_build_id(tmp)
        except duckdb.Error as exc:
            raise PublishError(
                f"the copy of {candidate} does not open as a warehouse: {exc}"
            ) from exc
        if expected_build_id is not None and build_id != expected_build_id:
            raise PublishError(
                f"the copy of {candidate} holds build {build_id!r}, expected {expected_build_id!r}"
            )
        os.replace(tmp, published)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(published.parent)
    return Published(published, candidate, build_id, size, time.perf_counter() - started)


def checkpoint(db_path: Path | str) -> None:
    """Open a warehouse file for writing, merge its WAL (CHECKPOINT) and close it."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute("checkpoint")
    finally:
        con.close()


def candidate_state(db_path: Path | str) -> str | None:
    """meta.build_info.state of a candidate ('complete' when its last build succeeded)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'meta' and table_name = 'build_info'"
        ).fetchone()[0]
        if not found:
            return None
        row = con.execute("select state from meta.build_info").fetchone()
        return None if row is None else row[0]
    finally:
        con.close()


def publish_candidate(published: Path | str) -> Published:
    """Publish the candidate of ``published`` after a build that left it complete.

    Used by ``her2lung build`` once dbt (run with ``her2lung_publish: false``) and the quality
    checks succeeded. Refuses a candidate whose last build did not complete.
    """
    candidate = candidate_path(published)
    if not candidate.is_file():
        raise PublishError(f"no candidate warehouse at {candidate}")
    try:
        checkpoint(candidate)
        state = candidate_state(candidate)
        build_id = read_build_id(candidate)
    except duckdb.Error as exc:
        raise PublishError(f"cannot read the candidate {candidate}: {exc}") from exc
    if state != "complete":
        raise PublishError(
            f"the candidate {candidate} is not complete (state {state!r}); "
            "run a full build before publishing"
        )
    return publish_file(candidate, published, expected_build_id=build_id)


def seed_candidate(published: Path | str) -> bool:
    """Start a missing candidate from a copy of the published file (so incremental models and
    `dbt run -s <model>` see the published tables). Returns True when a copy was made."""
    published = Path(os.path.abspath(published))
    candidate = candidate_path(published)
    for stale in stale_temp_files(candidate):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    if candidate.exists() or not published.is_file():
        return False
    tmp = candidate.with_name(
        f"{_TMP_PREFIX}{candidate.name}{_TMP_INFIX}{os.getpid()}-{time.time_ns()}{_TMP_SUFFIX}"
    )
    try:
        _copy_durably(published, tmp)
        # link() fails if another build created the candidate meanwhile: theirs wins
        try:
            os.link(tmp, candidate)
        except FileExistsError:
            return False
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return True

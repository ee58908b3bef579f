"""Build into a private copy of the warehouse and publish it atomically (issue 10).

DuckDB lets one process write a database file, and a writer cannot open a file another process holds
open, even read-only: a BI tool reading the warehouse would break every load and build. So `load` and
`build` never write the published file. They copy it to `.<name>.building/<name>` next to it (same file
name, so the catalog name DuckDB derives from it, which dbt writes into every view, stays the same), write
the copy, and only when the command has succeeded replace the published file with the copy in one
`os.replace` (an atomic rename on one file system). Readers that have the old file open keep reading
the last good build (the old inode) until they reconnect; new readers get the new one. A command that
fails or is killed never touches the published file; the copy it leaves behind is removed by the next
command.

One command builds a warehouse at a time: it holds an exclusive lock on `.<name>.building.lock` (flock,
released by the kernel when the process ends, killed or not) from the copy to the publication, and a
second command waits for it instead of building on a copy that one of the two publications would lose.
The working copy's path is the same for every command (issue 9): dbt keys its partial parse on the
connection's settings, the database path among them, so a path per process made every command parse
the whole project again (about 10 seconds of every nightly run).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no flock; commands must not overlap
    fcntl = None

WORK_SUFFIX = ".building"
LOCK_SUFFIX = ".building.lock"
# copies of the version before issue 9 lived in `.<name>.building-<pid>/`
LEGACY_WORK_SUFFIX = ".building-"
# databases whose build lock this process holds: a second lock of the same file would wait on itself
_HELD: set[Path] = set()


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# Linux's ioctl that makes `destination` share the blocks of `source` (a reflink: copy-on-write, no data
# copied) on file systems that support it (XFS, Btrfs, bcachefs, OCFS2); others refuse it.
FICLONE = 0x40049409


def copy_file(source: Path, destination: Path) -> str:
    """Copy `source` to `destination` (with its times and mode); return how: "reflink" or "copy".

    Where the file system can clone a file, the working copy of a warehouse costs no time and no disk
    until the build writes (issue 9: copying 11 GB was a third of the 1M nightly run's time outside dbt)."""
    if fcntl is not None and hasattr(fcntl, "ioctl"):
        with open(source, "rb") as reading, open(destination, "wb") as writing:
            try:
                fcntl.ioctl(writing.fileno(), FICLONE, reading.fileno())
                cloned = True
            except OSError:  # EOPNOTSUPP, EXDEV, EINVAL, ENOTTY, ...: no clone here
                cloned = False
        if cloned:
            shutil.copystat(source, destination)
            return "reflink"
    shutil.copy2(source, destination)
    return "copy"


def working_copy_path(database: Path) -> Path:
    """Where commands build: one folder next to the database, the same file name inside."""
    return database.parent / f".{database.name}{WORK_SUFFIX}" / database.name


def lock_path(database: Path) -> Path:
    """The file a building command holds an exclusive lock on (it holds the builder's pid)."""
    return database.parent / f".{database.name}{LOCK_SUFFIX}"


def remove_stale_copies(database: Path) -> list[Path]:
    """Remove the working copies of `database` left by commands that are gone; return their folders.

    Call it holding the build lock (`build_lock`): then no other command is writing the working copy."""
    removed = []
    folder = working_copy_path(database).parent
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    legacy = f".{database.name}{LEGACY_WORK_SUFFIX}"
    for folder in database.parent.glob(legacy + "*"):
        pid = folder.name[len(legacy) :]
        if pid.isdigit() and _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


@contextmanager
def build_lock(database: Path) -> Iterator[None]:
    """Hold the exclusive build lock of `database`; wait (saying for whom) while another command holds it."""
    key = database.resolve()
    if key in _HELD:
        raise RuntimeError(f"{database}: this process already holds its build lock (nested building_copy)")
    _HELD.add(key)
    try:
        if fcntl is None:
            yield
            return
        with open(lock_path(database), "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.seek(0)
                holder = handle.read().strip() or "?"
                print(
                    f"{database}: process {holder} is building this warehouse; waiting for it to finish.",
                    file=sys.stderr,
                    flush=True,
                )
                fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            yield
    finally:
        _HELD.discard(key)


@contextmanager
def building_copy(database: Path, seconds: dict[str, float] | None = None) -> Iterator[Path]:
    """Yield a private copy of `database` to write; publish it over `database` when the block succeeds.

    On any failure (an exception, Ctrl-C) the copy is removed and `database` is left as it was. With
    `seconds`, the time to make the copy is added to it as "copy" (or "clone" for a reflink) and, once
    published, the time to publish as "publish"."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(database):
        remove_stale_copies(database)
        work = working_copy_path(database)
        work.parent.mkdir()
        started = time.perf_counter()
        how = "copy"
        if database.exists():
            how = "clone" if copy_file(database, work) == "reflink" else "copy"
            if _wal(database).exists():
                copy_file(_wal(database), _wal(work))
        if seconds is not None:
            seconds[how] = time.perf_counter() - started
        try:
            yield work
        except BaseException:
            shutil.rmtree(work.parent, ignore_errors=True)
            raise
        started = time.perf_counter()
        if _wal(work).exists():
            # The writer closed without a checkpoint: fold the log into the file before publishing.
            import duckdb

            with duckdb.connect(str(work)) as connection:
                connection.execute("checkpoint")
        with open(work, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(work, database)
        # A log of the old file (a writer that crashed before) must not be replayed onto the new one.
        _wal(database).unlink(missing_ok=True)
        shutil.rmtree(work.parent, ignore_errors=True)
        if seconds is not None:
            seconds["publish"] = time.perf_counter() - started

"""Build into a private copy of the warehouse and publish it atomically (issue 10).

DuckDB lets one process write a database file, and a writer cannot open a file another process holds
open, even read-only: a BI tool reading the warehouse would break every load and build. So `load` and
`build` never write the published file. They copy it to `.<name>.building-<pid>/<name>` next to it
(same file name, so the catalog name DuckDB derives from it, which dbt writes into every view, stays the
same), write the copy, and only when the command has succeeded replace the published file with the copy in one
`os.replace` (an atomic rename on one file system). Readers that have the old file open keep reading
the last good build (the old inode) until they reconnect; new readers get the new one. A command that
fails or is killed never touches the published file; the copy it leaves behind is removed by the next
command (a copy whose process is gone).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORK_SUFFIX = ".building-"


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


def _work_prefix(database: Path) -> str:
    return f".{database.name}{WORK_SUFFIX}"


def remove_stale_copies(database: Path) -> list[Path]:
    """Remove the working copies of `database` left by commands that are gone; return their folders."""
    removed = []
    for folder in database.parent.glob(_work_prefix(database) + "*"):
        pid = folder.name[len(_work_prefix(database)) :]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def working_copy_path(database: Path) -> Path:
    """Where this process builds: a folder of its own next to the database, the same file name inside."""
    return database.parent / f"{_work_prefix(database)}{os.getpid()}" / database.name


@contextmanager
def building_copy(database: Path) -> Iterator[Path]:
    """Yield a private copy of `database` to write; publish it over `database` when the block succeeds.

    On any failure (an exception, Ctrl-C) the copy is removed and `database` is left as it was."""
    database.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_copies(database)
    work = working_copy_path(database)
    work.parent.mkdir()
    if database.exists():
        shutil.copy2(database, work)
        if _wal(database).exists():
            shutil.copy2(_wal(database), _wal(work))
    try:
        yield work
    except BaseException:
        shutil.rmtree(work.parent, ignore_errors=True)
        raise
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

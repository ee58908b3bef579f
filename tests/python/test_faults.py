"""issue 10: interrupted runs and readers during a build.

`customer-value build` writes a private copy of the warehouse and publishes it with one atomic rename
(customer_value.publish). These tests hold a read-only connection on the warehouse the whole time (a BI
tool), kill a build half-way, and build again: the reader keeps reading the last good marts, the killed
build leaves them untouched, and the next build completes and is published although the reader still
holds the file open (without the copy, DuckDB's lock would make it fail).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import CLI, PROJECT_DIR, run_cli

from customer_value.publish import building_copy, remove_stale_copies, working_copy_path

MARTS_CHECK = "select count(*), sum(customer_profit) from marts.fct_customer_profitability_monthly"
BANK_VARS = "{as_of_date: '2023-12-31'}"
# Seeds and models without their tests (make test runs those): what matters here is writing the marts.
BUILD = [
    "build",
    "--vars",
    BANK_VARS,
    "--exclude",
    "resource_type:test",
    "--exclude",
    "resource_type:unit_test",
]


def _environment(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CUSTOMER_VALUE_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


def _kill_build_midway(database: Path, after_models: int = 3) -> list[str]:
    """Start a build, SIGKILL it (and dbt with it) once it has created `after_models` models; its output."""
    process = subprocess.Popen(
        [*CLI, *BUILD],
        cwd=PROJECT_DIR,
        env=_environment(database),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    created = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if sum("OK created" in seen for seen in lines) >= after_models:
                created.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert created.wait(timeout=240), "the build never got going:\n" + "".join(lines[-40:])
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        reader.join(timeout=10)
    assert process.returncode == -signal.SIGKILL
    return lines


@pytest.mark.slow
def test_killed_build_leaves_the_last_good_marts_and_the_next_build_completes_while_read(
    bank_warehouse: Path, tmp_path: Path
) -> None:
    database = tmp_path / "warehouse.duckdb"
    shutil.copy2(bank_warehouse, database)
    with duckdb.connect(str(database), read_only=True) as connection:
        before = connection.execute(MARTS_CHECK).fetchone()
    assert before[0] > 0

    # a BI tool holds the warehouse open for the whole test
    reader = duckdb.connect(str(database), read_only=True)
    try:
        _kill_build_midway(database)
        assert working_copy_path(database).exists(), "the killed build should have left its working copy"
        # the last good marts are readable and unchanged, through the open connection and a new one
        assert reader.execute(MARTS_CHECK).fetchone() == before
        with duckdb.connect(str(database), read_only=True) as fresh:
            assert fresh.execute(MARTS_CHECK).fetchone() == before

        # the next build completes and is published although the reader still holds the file
        run_cli(BUILD, database)
        assert not working_copy_path(database).parent.exists(), "stale working copy not removed"
        assert reader.execute(MARTS_CHECK).fetchone() == before  # the reader's snapshot
    finally:
        reader.close()
    with duckdb.connect(str(database), read_only=True) as fresh:
        assert fresh.execute(MARTS_CHECK).fetchone() == before  # same data, rebuilt
        built = fresh.execute(
            "select count(*) from information_schema.tables where table_schema = 'marts'"
        ).fetchone()[0]
    assert built > 0


def test_failed_block_leaves_the_database_and_removes_the_copy(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table t as select 1 as x")
    with pytest.raises(RuntimeError), building_copy(database) as work:
        with duckdb.connect(str(work)) as connection:
            connection.execute("insert into t values (2)")
        raise RuntimeError("dbt failed")
    assert not work.parent.exists()
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from t").fetchone()[0] == 1


def test_successful_block_publishes_while_a_reader_holds_the_file(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table t as select 1 as x")
        connection.execute("create view v as select * from t")
    reader = duckdb.connect(str(database), read_only=True)
    try:
        with building_copy(database) as work:
            assert work.name == database.name  # same catalog name, so views keep resolving
            with duckdb.connect(str(work)) as connection:
                connection.execute("insert into t values (2)")
        assert reader.execute("select count(*) from v").fetchone()[0] == 1
    finally:
        reader.close()
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select count(*) from v").fetchone()[0] == 2


def test_copies_of_dead_processes_are_removed(tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    database.write_bytes(b"")
    dead = subprocess.Popen(["true"])
    dead.wait()
    # a copy in the folder of the version before one working path (a folder per process id)
    legacy = tmp_path / f".w.duckdb.building-{dead.pid}"
    legacy.mkdir()
    (legacy / "w.duckdb").write_bytes(b"x")
    live = tmp_path / f".w.duckdb.building-{os.getpid()}"
    live.mkdir()
    # the copy a killed command left in the working folder
    left = working_copy_path(database)
    left.parent.mkdir()
    left.write_bytes(b"x")
    assert sorted(remove_stale_copies(database)) == sorted([left.parent, legacy])
    assert not left.parent.exists() and not legacy.exists() and live.exists()


HOLD_THE_LOCK = """
import sys, time, duckdb
from pathlib import Path
from customer_value.publish import building_copy
with building_copy(Path(sys.argv[1])) as work:
    with duckdb.connect(str(work)) as connection:
        connection.execute("insert into t values ('first')")
    print("copied", flush=True)
    time.sleep(1.5)
"""


def test_a_second_command_waits_for_the_first_and_builds_on_its_result(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two commands at once: the second copies the warehouse only once the first has published it,
    so neither publication loses the other's rows (without the lock the result has one of them)."""
    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table t as select 'before' as x")
    first = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(database)],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert first.stdout.readline().strip() == "copied", first.stderr.read()
        with building_copy(database) as work, duckdb.connect(str(work)) as connection:
            connection.execute("insert into t values ('second')")
        _, stderr = first.communicate(timeout=60)
    finally:
        first.kill()
    assert first.returncode == 0, stderr
    assert "is building this warehouse; waiting" not in stderr  # the first did not wait
    # the second did, and said for which process
    assert f"process {first.pid} is building this warehouse; waiting" in capsys.readouterr().err
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = sorted(row[0] for row in connection.execute("select x from t").fetchall())
    assert rows == ["before", "first", "second"]
    assert not working_copy_path(database).parent.exists()
    nested = pytest.raises(RuntimeError, match="already holds its build lock")
    with building_copy(database), nested, building_copy(database):
        pass


def test_the_working_copy_is_a_reflink_where_the_file_system_clones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """copy_file asks the kernel to clone (FICLONE) and copies the bytes where it refuses (ext4, tmpfs)."""
    import customer_value.publish as publish

    source = tmp_path / "w.duckdb"
    source.write_bytes(os.urandom(300_000))
    os.utime(source, (1_000_000_000, 1_000_000_000))
    refused = tmp_path / "refused.duckdb"

    def refuse(fd: int, request: int, argument: int) -> int:
        raise OSError(95, "Operation not supported")

    monkeypatch.setattr(publish.fcntl, "ioctl", refuse)
    assert publish.copy_file(source, refused) == "copy"
    assert refused.read_bytes() == source.read_bytes()
    assert refused.stat().st_mtime == source.stat().st_mtime

    calls = []

    def clone(fd: int, request: int, argument: int) -> int:
        # what a cloning file system does, done by copying: the destination gets the source's bytes
        calls.append(request)
        os.sendfile(fd, argument, 0, os.fstat(argument).st_size)
        return 0

    monkeypatch.setattr(publish.fcntl, "ioctl", clone)
    cloned = tmp_path / "cloned.duckdb"
    assert publish.copy_file(source, cloned) == "reflink"
    assert calls == [0x40049409]  # FICLONE, _IOW(0x94, 9, int)
    assert cloned.read_bytes() == source.read_bytes()
    assert cloned.stat().st_mtime == source.stat().st_mtime

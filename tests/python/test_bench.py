"""The benchmark harness (issue 9): its check that the floor equals the mart to the cent can fail, and the
floor reproduces DOMAIN.md's bank example the pipeline builds (as of 31 December 2023)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from customer_value import bench
from customer_value.bench import (
    DATA_MARKER,
    FLOOR_SCHEMA,
    FLOOR_SQL,
    MART,
    SPILL_SCALE,
    ScaleResult,
    Step,
    compare_tables,
    daily_profile,
    disk_shortfall,
    measure,
    node_timings,
    run_floor,
    run_scale,
    targets,
    tree_rss_bytes,
)

TABLE = """
create table {name} (
    customer_id varchar, period_month date, customer_profit decimal(18, 2), order_count integer
)
"""
ROWS = (
    "insert into {name} values ('A', date '2024-01-01', 10.00, 1), ('A', date '2024-02-01', -2.50, 0), "
    "('B', date '2024-01-01', 0.00, 0)"
)


@pytest.fixture
def connection():
    with duckdb.connect() as connection:
        connection.execute("create schema e; create schema a")
        for name in ("e.t", "a.t"):
            connection.execute(TABLE.format(name=name))
            connection.execute(ROWS.format(name=name))
        yield connection


def test_identical_tables_are_equal(connection) -> None:
    report = compare_tables(connection, "e.t", "a.t")
    assert report["equal"] and report["differing_rows"] == 0 and report["expected_rows"] == 3


def test_one_cent_is_a_difference(connection) -> None:
    connection.execute("update a.t set customer_profit = customer_profit + 0.01 where customer_id = 'B'")
    report = compare_tables(connection, "e.t", "a.t")
    assert not report["equal"]
    assert report["differing_rows"] == 1 and report["differing_columns"] == {"customer_profit": 1}
    assert report["sample"][0][:2] == ["B", "2024-01-01"]


def test_a_missing_row_and_an_extra_row_are_differences(connection) -> None:
    connection.execute("delete from a.t where period_month = date '2024-02-01'")
    connection.execute("insert into a.t values ('C', date '2024-01-01', 0.00, 0)")
    report = compare_tables(connection, "e.t", "a.t")
    assert not report["equal"] and report["unmatched_rows"] == 2


def test_a_changed_type_is_a_difference(connection) -> None:
    connection.execute("alter table a.t alter order_count type bigint")
    report = compare_tables(connection, "e.t", "a.t")
    assert not report["equal"] and ("order_count", "BIGINT") in report["column_differences"]


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="peak memory is read from /proc")
def test_the_daily_profile_splits_the_run_into_build_and_the_rest(tmp_path: Path) -> None:
    """Build time, the rest of the run, model and test time over the threads, slowest first; and no
    profile from a run_results.json older than the run (another command's)."""
    started = time.time()
    results = {
        "elapsed_time": 50.0,
        "results": [
            {"unique_id": "model.customer_value.a", "execution_time": 30.0, "status": "success"},
            {"unique_id": "model.customer_value.b", "execution_time": 12.5, "status": "success"},
            {"unique_id": "test.customer_value.unique_a_id.1", "execution_time": 40.0, "status": "pass"},
            {"unique_id": "seed.customer_value.s", "execution_time": 1.0, "status": "success"},
            {"unique_id": "unit_test.customer_value.a.a_case", "execution_time": 2.0, "status": "success"},
        ],
    }
    (tmp_path / "run_results.json").write_text(json.dumps(results))

    profile = daily_profile(tmp_path, 80.0, started=started, top=2)

    assert profile["build_seconds"] == 50.0
    assert profile["outside_build_seconds"] == 30.0
    assert (profile["nodes"], profile["model_seconds"], profile["test_seconds"]) == (5, 42.5, 40.0)
    assert [node["name"] for node in profile["slowest"]] == ["unique_a_id", "a"]
    # a unit test is named by its own name, not its model's (which a sum over model names would count)
    names = {t["name"]: t["resource_type"] for t in node_timings(tmp_path).values()}
    assert names["a_case"] == "unit_test" and names["a"] == "model"
    assert daily_profile(tmp_path, 80.0, started=time.time() + 60) is None


def test_process_tree_memory_is_measured() -> None:
    assert tree_rss_bytes(os.getpid()) > 10 * 1024**2


def test_the_spill_is_measured_at_its_peak(tmp_path: Path) -> None:
    """A step's peak spill is the most its temp folder held while it ran, though the step emptied it."""
    spill = tmp_path / "tmp"
    script = (
        "import pathlib, sys, time; folder = pathlib.Path(sys.argv[1]); folder.mkdir(); "
        "spilled = folder / 'duckdb_temp_block.tmp'; spilled.write_bytes(b'x' * 4 * 1024**2); "
        "time.sleep(1); spilled.unlink()"
    )
    step = measure(
        "build",
        [sys.executable, "-c", script, str(spill)],
        dict(os.environ),
        tmp_path / "log",
        spill_dir=spill,
    )
    assert step.ok and list(spill.iterdir()) == []
    assert 4 * 1024**2 <= step.peak_spill_bytes < 5 * 1024**2
    assert (
        measure("build", [sys.executable, "-c", "pass"], dict(os.environ), tmp_path / "log").peak_spill_bytes
        is None
    )


def test_a_scale_that_cannot_fit_on_the_disk_stops_before_it_starts(tmp_path: Path) -> None:
    """5M customers take about 74 GB for the build alone (data 3.75 GB, the build at its fullest 70 GB); a
    scale that also runs the daily run needs a copy of the warehouse more; data generated already and the
    old warehouse the load replaces count as room."""
    root = tmp_path / "c5000000"
    note = disk_shortfall(root, 5_000_000, build_only=True, free=60 * 10**9)
    assert note is not None and str(root) in note and "74 GB free" in note and "60 GB are" in note
    assert disk_shortfall(root, 5_000_000, build_only=True, free=74 * 10**9) is None
    assert "the copy the daily run" in disk_shortfall(root, 5_000_000, build_only=False, free=74 * 10**9)

    (root / "data").mkdir(parents=True)
    (root / "data" / "truth.json").write_text("{}")
    with open(root / "customer_value.duckdb", "wb") as warehouse:
        warehouse.write(b"x" * 2 * 1024**2)
    assert disk_shortfall(root, 5_000_000, build_only=True, free=70 * 10**9) is None
    assert disk_shortfall(tmp_path / "c1000", 1000, build_only=False) is None


def _scale(customers: int, seconds: float, ok: bool = True, **fields) -> ScaleResult:
    build = {"name": "full_build", "seconds": seconds, "peak_bytes": 7 * 1024**3, "ok": ok, "note": ""}
    return ScaleResult(customers, steps={"full_build": build}, ok=ok, **fields)


def test_the_targets_are_judged_at_the_largest_complete_scale_and_the_spill_at_five_million() -> None:
    """A build-only scale (5M) is judged on its build completing alone; the other targets stay judged at
    the largest scale that ran every step, not left empty by the build-only one."""
    complete = _scale(
        1_000_000,
        500.0,
        floor={"ratio": 1.5},
        incremental={"share_of_full_build": 0.6},
        fit={"warehouse_over_peer": 0.5, "max_parameter_relative_difference": 0.001},
    )
    spilled = _scale(5_000_000, 3000.0, build_only=True)
    checks = {check["target"]: check for check in targets([complete, spilled])}

    assert {check["customers"] for name, check in checks.items() if "spilling" not in name} == {1_000_000}
    met = {name: check["met"] for name, check in checks.items()}
    assert met == {
        "profitability path / floor": True,
        "full build seconds": True,
        "full build peak memory (bytes)": True,
        "incremental / full build": False,
        "in-warehouse fit / lifetimes": True,
        "max parameter difference": True,
        "full build completes (spilling to disk)": True,
    }
    spill = checks["full build completes (spilling to disk)"]
    assert (spill["customers"], spill["value"], spill["judged_at_target_scale"]) == (5_000_000, 3000.0, True)

    failed = targets([_scale(5_000_000, 80.0, ok=False, build_only=True)])
    assert [(check["target"], check["value"], check["met"]) for check in failed] == [
        ("full build completes (spilling to disk)", None, False)
    ]


def test_a_build_only_scale_stopped_by_the_disk_check_leaves_the_targets_at_the_complete_one(
    tmp_path: Path,
) -> None:
    """A 5M scale that stops before its build (here: no disk holds a trillion customers) is still a
    build-only scale: the 1M targets stay judged at 1M, and the spill is not judged (n/a), not met."""
    args = argparse.Namespace(
        out=tmp_path, memory_limit="1GB", threads=1, build_only_from=SPILL_SCALE, no_disk_check=False
    )
    stopped = run_scale(10**12, args)
    assert not stopped.ok and stopped.build_only
    assert "need about" in stopped.steps["disk"]["note"] and not (tmp_path / f"c{10**12}" / "data").exists()

    complete = _scale(1_000_000, 500.0, floor={"ratio": 1.5})
    checks = targets([complete, stopped])
    assert {check["customers"] for check in checks if "spilling" not in check["target"]} == {1_000_000}
    spill = [check for check in checks if "spilling" in check["target"]]
    assert [(check["customers"], check["met"]) for check in spill] == [(10**12, None)]


def _generation(monkeypatch, tmp_path: Path, customers: int, **options) -> list[str] | None:
    """The `generate` command run_scale runs for a scale (None: it reused the data), stopping it at the
    load that follows."""
    commands = []

    def fake_measure(name, command, env, log, spill_dir=None):
        commands.append((name, command))
        if name == "generate":
            (tmp_path / f"c{customers}" / "data").mkdir(parents=True, exist_ok=True)
            return Step(name, 1.0)
        return Step(name, 1.0, ok=False, note="stopped by the test")

    monkeypatch.setattr(bench, "measure", fake_measure)
    defaults = dict(
        out=tmp_path,
        memory_limit="1GB",
        threads=1,
        build_only_from=SPILL_SCALE,
        no_disk_check=True,
        incremental_command=None,
        increment_date="2026-11-01",
        seed=7,
        regenerate=False,
    )
    result = run_scale(customers, argparse.Namespace(**{**defaults, **options}))
    assert not result.ok and [name for name, _ in commands][-1] == "load"
    generate = [command for name, command in commands if name == "generate"]
    return generate[0] if generate else None


def test_the_full_build_loads_the_snapshot_of_the_day_before_the_delivery(
    monkeypatch, tmp_path: Path
) -> None:
    """The daily run's delivery must bring rows the warehouse does not hold yet: the full build loads the
    snapshot at the end of the day before it (across a month's end here), and data generated otherwise
    (the whole data set, another seed) is not reused for it."""
    generate = _generation(monkeypatch, tmp_path, 300)
    assert generate[generate.index("--cutoff") + 1] == "2026-10-31"
    marker = tmp_path / "c300" / "data" / DATA_MARKER
    assert json.loads(marker.read_text()) == {"customers": 300, "seed": 7, "cutoff": "2026-10-31"}
    assert _generation(monkeypatch, tmp_path, 300) is None  # the same snapshot: reused
    assert _generation(monkeypatch, tmp_path, 300, seed=8) is not None
    # the whole data set where the harness does not time the daily run (--incremental-command), and
    # an earlier harness's folder (the generator's truth.json, no marker) counts as the whole data set
    assert "--cutoff" not in _generation(monkeypatch, tmp_path, 300, incremental_command="true")
    marker.unlink()
    (tmp_path / "c300" / "data" / "truth.json").write_text("{}")
    assert _generation(monkeypatch, tmp_path, 300, incremental_command="true") is None
    assert "--cutoff" in _generation(monkeypatch, tmp_path, 300)


def floor_on_copy(bank_warehouse: Path, tmp_path: Path, sql: Path = FLOOR_SQL) -> dict:
    database = tmp_path / "bank.duckdb"
    shutil.copy(bank_warehouse, database)
    run_floor(database, "1GB", 1, sql=sql, as_of_date="2023-12-31")
    with duckdb.connect(str(database), read_only=True) as connection:
        return compare_tables(connection, MART, f"{FLOOR_SCHEMA}.fct_customer_profitability_monthly")


def test_floor_equals_the_mart_on_the_bank_example(bank_warehouse: Path, tmp_path: Path) -> None:
    report = floor_on_copy(bank_warehouse, tmp_path)
    assert report["equal"], report
    assert report["expected_rows"] == 24


def test_the_parts_script_names_what_is_missing(tmp_path: Path) -> None:
    """bench/daily_run_parts.sh (run by hand on a 1M warehouse) parses, and stops with a sentence naming
    what it lacks before it copies anything."""
    script = Path(__file__).resolve().parents[2] / "bench" / "daily_run_parts.sh"
    usage = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False)
    assert usage.returncode == 2 and "Usage: bench/daily_run_parts.sh WAREHOUSE INBOX" in usage.stderr
    missing = subprocess.run(
        ["bash", str(script), str(tmp_path / "none.duckdb"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and f"no warehouse at {tmp_path / 'none.duckdb'}" in missing.stderr
    (tmp_path / "w.duckdb").write_bytes(b"")
    unknown = subprocess.run(
        ["bash", str(script), str(tmp_path / "w.duckdb"), str(tmp_path), "clv", "everything"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2 and "unknown part 'everything'" in unknown.stderr
    assert list(tmp_path.iterdir()) == [tmp_path / "w.duckdb"]

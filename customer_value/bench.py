"""`make bench` and `make bench-smoke` (issue 9): how long a nightly run takes at each scale, how much memory
it needs, and how it compares with the floor (one hand-written DuckDB statement) and the peer (lifetimes).

    python -m customer_value.bench --customers 10000 --customers 100000 [--customers 1000000]

For each scale it generates the data once (kept under --out for the next run; where it times the daily run,
the snapshot at the end of the day before the run's delivery), then times, each in its own
process whose whole process tree's resident memory is sampled: generation, load, the full `dbt build`
(models, seeds, data and unit tests), and the daily incremental run when the command line offers one.
From dbt's run_results.json it takes every node's time, the profitability path (the models
fct_customer_profitability_monthly is built from) and the in-warehouse lifetime-value fit. It builds the
profitability path again on its own (one model at a time, from scratch: PATH_ALONE_COMMAND), then runs
the floor, bench/floor_customer_profitability_monthly.sql, on the same raw tables, checks that the floor's
table equals the mart row for row to the cent (the run fails when not), and runs the peer
(customer_value.bench_peer, in the benchmark environment) on the mart's customer summary.

Output: tables on the terminal and one JSON file (--json, default <out>/bench.json). Peak memory is read
from /proc, so the memory figures need Linux; elsewhere they are null.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.table import Table

from customer_value.config import PROJECT_DIR
from customer_value.publish import working_copy_path
from customer_value.schedule import EXIT_LATE_ROWS

FLOOR_SQL = PROJECT_DIR / "bench" / "floor_customer_profitability_monthly.sql"
FLOOR_SCHEMA = "bench_floor"
MART = "marts.fct_customer_profitability_monthly"
MART_NODE = "model.customer_value.fct_customer_profitability_monthly"
KEY_COLUMNS = ("customer_id", "period_month")
# The in-warehouse BG/NBD + Gamma-Gamma fit: the (x, t_x, T) grouping and the two searches. The customer
# summary they start from is the peer's input too, so neither side is charged for it.
FIT_MODELS = ("int_customer_rfm_groups", "int_bgnbd_parameters_fitted", "int_gamma_gamma_parameters_fitted")
BENCH_PYTHON = PROJECT_DIR / ".venv-bench" / "bin" / "python"
# one dbt command in a process of its own, so that its time and memory are measured alone (main)
DBT_IN_PROCESS = [sys.executable, "-m", "customer_value.bench", "dbt"]
# dbt run one model at a time, in its own measured process: the fit and the profitability path are timed
# this way on their own, as the floor and the peer run (each query still has every DuckDB thread).
DBT_RUN_ALONE = [*DBT_IN_PROCESS, "run", "--threads", "1"]
DATABASE_NAME = "customer_value.duckdb"
# The profitability path built alone: the mart and the models it is built from, the incremental ones
# from scratch.
PATH_ALONE_COMMAND = [*DBT_RUN_ALONE, "--full-refresh", "--select", f"+{MART_NODE.split('.')[-1]}"]
# Targets of issue 9, judged at TARGET_SCALE customers; at SPILL_SCALE the target is that the full build
# completes (spilling to disk what does not fit in memory_limit), so from there on a scale runs only
# generation, load and the full build (--build-only-from).
TARGET_SCALE = 1_000_000
SPILL_SCALE = 5_000_000
TARGETS = {
    "profitability_path_over_floor": 2.0,
    "full_build_seconds": 600.0,
    "full_build_peak_bytes": 8 * 1024**3,
    "incremental_share_of_full_build": 0.10,
    "fit_seconds_over_peer": 1.0,
    "parameter_relative_difference": 0.005,
}

# Disk a scale takes under --out, per customer, measured (2 December 2026): the generated data (0.71 GB at
# 1M customers); the full build at its fullest moment, warehouse and DuckDB's temporary files together
# (67.4 GB at 5M: 33.8 GB of warehouse and 33.5 GB spilled by fct_customer_product_profitability); and the
# copy of the warehouse the daily run builds into (issue 10; the 1M warehouse is 10.7 GB). Checked before
# a scale starts (disk_shortfall), so a run that cannot fit stops at once instead of after most of an hour.
DATA_BYTES_PER_CUSTOMER = 750
BUILD_PEAK_BYTES_PER_CUSTOMER = 14_000
WAREHOUSE_BYTES_PER_CUSTOMER = 11_000

console = Console(stderr=True, soft_wrap=True)


# --- measuring a step --------------------------------------------------------------------------------


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read().decode(errors="replace")
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces: the ppid follows the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def tree_rss_bytes(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (0 where /proc is missing)."""
    if not os.path.isdir("/proc"):
        return 0
    children = _children_map()
    total, stack, page = 0, [root], os.sysconf("SC_PAGE_SIZE")
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue
    return total


@dataclass
class Step:
    name: str
    seconds: float | None = None
    peak_bytes: int | None = None
    ok: bool = True
    note: str = ""
    # the most bytes DuckDB's temp_directory held while the step ran (measure's spill_dir)
    peak_spill_bytes: int | None = None


def directory_bytes(path: Path) -> int:
    """Bytes of disk the files under `path` take, or the file `path` itself (0 when it does not exist):
    DuckDB's spill files, a warehouse."""
    if path.is_file():
        return path.stat().st_blocks * 512
    total = 0
    for root, _directories, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total


def measure(
    name: str,
    command: list[str],
    env: dict[str, str],
    log: Path,
    interval: float = 0.2,
    spill_dir: Path | None = None,
) -> Step:
    """Run `command`, its output to `log`; wall time and the peak resident memory of its process tree, and
    the peak size of `spill_dir` (DuckDB's temp_directory) when given."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
        peak = spill = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, spill
            while not stop.is_set():
                peak = max(peak, tree_rss_bytes(process.pid))
                if spill_dir is not None:
                    spill = max(spill, directory_bytes(spill_dir))
                stop.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = process.wait()
        seconds = time.perf_counter() - started
        stop.set()
        sampler.join()
    step = Step(name, seconds, peak or None, returncode == 0)
    if spill_dir is not None:
        step.peak_spill_bytes = spill
    if returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        step.note = f"exit {returncode}: " + " | ".join(tail)
    return step


# What the harness generated into a scale's data folder (customers, seed, and the cutoff day of a
# snapshot or null for the whole data set), written once the generation has succeeded.
DATA_MARKER = "bench_data.json"


def generated_data(data_dir: Path) -> dict | None:
    """What `data_dir` holds: the harness's marker, or None when it holds no complete data set. A folder
    that an earlier harness generated (the generator's truth.json, no marker) holds the whole data set."""
    marker = data_dir / DATA_MARKER
    if marker.is_file():
        return json.loads(marker.read_text())
    if (data_dir / "truth.json").is_file():
        return {"cutoff": None}
    return None


def snapshot_cutoff(increment_date: str) -> str:
    """The day whose snapshot the full build loads when the harness times the daily run of
    `increment_date`: the day before, so that the delivery brings rows the warehouse does not hold yet."""
    return (date.fromisoformat(increment_date) - timedelta(days=1)).isoformat()


def disk_shortfall(root: Path, customers: int, build_only: bool, free: int | None = None) -> str | None:
    """Why a scale cannot fit on the disk under `root` (its folder, build/bench/c<N>), or None when it can:
    the data (unless generated already), the full build at its fullest and, when the daily run follows,
    the copy of the warehouse it builds into; less what the scale's old warehouse frees when the load
    replaces it. `free`: the free bytes (default: the file system's)."""
    data_dir, database = root / "data", root / "customer_value.duckdb"
    needed = customers * BUILD_PEAK_BYTES_PER_CUSTOMER
    if not build_only:
        needed += customers * WAREHOUSE_BYTES_PER_CUSTOMER
    if generated_data(data_dir) is None:
        needed += customers * DATA_BYTES_PER_CUSTOMER
    needed -= directory_bytes(database)
    if free is None:
        existing = next(path for path in (root, *root.parents) if path.exists())
        free = shutil.disk_usage(existing).free
    if free >= needed:
        return None
    return (
        f"{customers:,} customers need about {needed / 1e9:,.0f} GB free under {root} (data, the build's "
        f"warehouse and spill{'' if build_only else ', the copy the daily run builds into'}) and "
        f"{free / 1e9:,.0f} GB are: free some space, pass a smaller scale or --out on a larger disk, or "
        "--no-disk-check to try anyway"
    )


# --- dbt's timings -----------------------------------------------------------------------------------


def node_timings(target_dir: Path) -> dict[str, dict]:
    """unique_id -> {name, resource_type, seconds, status} from run_results.json."""
    results = json.loads((target_dir / "run_results.json").read_text())
    timings = {}
    for result in results["results"]:
        unique_id = result["unique_id"]
        parts = unique_id.split(".")
        timings[unique_id] = {
            # type.package.name, a hash after a data test's name; unit_test.package.model.name
            "name": parts[-1] if parts[0] == "unit_test" else parts[2],
            "resource_type": parts[0],
            "seconds": result["execution_time"],
            "status": result["status"],
        }
    return timings


def seconds_by_resource_type(timings: dict[str, dict]) -> dict[str, float]:
    """The nodes' seconds summed per resource type (model, test, ...): time over dbt's threads."""
    by_type: dict[str, float] = {}
    for timing in timings.values():
        by_type[timing["resource_type"]] = by_type.get(timing["resource_type"], 0.0) + timing["seconds"]
    return by_type


def daily_profile(target_dir: Path, seconds: float, started: float, top: int = 12) -> dict | None:
    """Where the daily run's time went, from the run_results.json its `dbt build` wrote: the build's own
    time, the rest of the run (loading the delivery, source freshness, parsing, the summary), the time
    of models and of data tests summed over dbt's threads, and the slowest nodes. None when the run left
    no run_results.json of its own (an --incremental-command without dbt build)."""
    path = target_dir / "run_results.json"
    # a second's slack: the kernel stamps files from a clock that can lag time.time() by a tick, so a file
    # written just after `started` can look older than it (another command's file is minutes older)
    if not path.exists() or path.stat().st_mtime < started - 1.0:
        return None
    build = json.loads(path.read_text()).get("elapsed_time")
    timings = node_timings(target_dir)
    by_type = seconds_by_resource_type(timings)
    return {
        "build_seconds": build,
        "outside_build_seconds": None if build is None else seconds - build,
        "nodes": len(timings),
        "model_seconds": by_type.get("model", 0.0),
        "test_seconds": by_type.get("test", 0.0),
        "slowest": sorted(
            (
                {"name": t["name"], "resource_type": t["resource_type"], "seconds": t["seconds"]}
                for t in timings.values()
            ),
            key=lambda node: -node["seconds"],
        )[:top],
    }


def model_ancestors(target_dir: Path, node: str) -> set[str]:
    """The models `node` is built from, itself included (manifest.json's parent_map)."""
    parents = json.loads((target_dir / "manifest.json").read_text())["parent_map"]
    seen, stack = set(), [node]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(parents.get(current, []))
    return {unique_id for unique_id in seen if unique_id.startswith("model.")}


# --- the floor and the check to the cent -------------------------------------------------------------


def _connect(database: Path, memory_limit: str, threads: int, read_only: bool = False):
    import duckdb

    connection = duckdb.connect(str(database), read_only=read_only)
    connection.execute(f"set memory_limit = '{memory_limit}'")
    connection.execute(f"set threads = {int(threads)}")
    connection.execute("set preserve_insertion_order = false")  # as profiles.yml sets it for dbt
    temp = database.parent / "tmp"
    temp.mkdir(parents=True, exist_ok=True)
    connection.execute(f"set temp_directory = '{temp}'")
    return connection


def run_floor(
    database: Path, memory_limit: str, threads: int, sql: Path = FLOOR_SQL, as_of_date: str | None = None
) -> float:
    """Build bench_floor.fct_customer_profitability_monthly from the raw tables; seconds it took.
    `as_of_date` (YYYY-MM-DD) plays the part of the dbt var as_of_date (default: the latest data)."""
    with _connect(database, memory_limit, threads) as connection:
        connection.execute(f"create schema if not exists {FLOOR_SCHEMA}")
        if as_of_date is not None:
            connection.execute("set variable bench_as_of_date = cast(? as date)", [as_of_date])
        statement = sql.read_text()
        started = time.perf_counter()
        connection.execute(statement)
        return time.perf_counter() - started


def compare_tables(connection, expected: str, actual: str, keys: tuple[str, ...] = KEY_COLUMNS) -> dict:
    """Compare two tables row for row on `keys`: same columns and types, same rows, every value equal
    (decimals exactly, so to the cent). Returns counts of what differs; `equal` is true when nothing does."""

    def columns(table: str) -> list[tuple[str, str]]:
        schema, name = table.split(".")
        return connection.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_name = ? order by ordinal_position",
            [schema, name],
        ).fetchall()

    expected_columns, actual_columns = columns(expected), columns(actual)
    report: dict = {
        "expected": expected,
        "actual": actual,
        "expected_rows": connection.execute(f"select count(*) from {expected}").fetchone()[0],
        "actual_rows": connection.execute(f"select count(*) from {actual}").fetchone()[0],
        "column_differences": sorted(set(expected_columns) ^ set(actual_columns)),
    }
    shared = [name for name, _ in expected_columns if name in {n for n, _ in actual_columns}]
    values = [name for name in shared if name not in keys]
    join = " and ".join(f"e.{key} = a.{key}" for key in keys)
    missing = f"e.{keys[0]} is null or a.{keys[0]} is null"
    counts = ", ".join(
        f"count(*) filter (where {missing} or e.{name} is distinct from a.{name})" for name in values
    )
    any_difference = " or ".join([missing] + [f"e.{name} is distinct from a.{name}" for name in values])
    row = connection.execute(
        f"select count(*) filter (where {any_difference}), count(*) filter (where {missing}), {counts} "
        f"from {expected} as e full outer join {actual} as a on {join}"
    ).fetchone()
    report["differing_rows"], report["unmatched_rows"] = row[0], row[1]
    report["differing_columns"] = {name: count for name, count in zip(values, row[2:], strict=True) if count}
    report["equal"] = not report["column_differences"] and report["differing_rows"] == 0
    if not report["equal"] and values:
        sample = connection.execute(
            f"select {', '.join(f'coalesce(e.{k}, a.{k})' for k in keys)}, "
            + ", ".join(f"e.{name}, a.{name}" for name in report["differing_columns"] or values[:1])
            + f" from {expected} as e full outer join {actual} as a on {join} where {any_difference} limit 3"
        ).fetchall()
        report["sample"] = [[str(value) for value in sample_row] for sample_row in sample]
    return report


# --- the daily incremental run -------------------------------------------------------------------------


def incremental_command(
    args: argparse.Namespace, data_dir: Path
) -> tuple[list[list[str]], list[list[str]] | None, str]:
    """The daily incremental run: the commands that prepare the day's delivery (not timed as part of the
    run: they stand for the source systems), the commands of the run itself, or None and why there is
    none.

    --incremental-command wins (a shell command; {data}, {increment}, {customers}, {seed} are filled in);
    otherwise the run is detected: `customer-value generate --increment DATE` writes one day's delivery
    into an inbox folder, and `customer-value scheduled --inbox` is the nightly run the README schedules:
    it upserts the delivery, checks freshness and builds (models, seeds and data tests; the incremental
    models take in the lookback window only)."""
    increment_dir = data_dir.parent / "increment"
    if args.incremental_command:
        command = args.incremental_command.format(
            data=data_dir, increment=increment_dir, customers=args.customers_now, seed=args.seed
        )
        return [], [["bash", "-c", command]], "--incremental-command"
    cli = [sys.executable, "-m", "customer_value.cli"]
    help_text = subprocess.run(
        [*cli, "generate", "--help"], cwd=PROJECT_DIR, capture_output=True, text=True, check=False
    ).stdout
    if "--increment" not in help_text:
        return [], None, "not available: `customer-value generate` has no --increment option (issue 6)"
    # a new delivery name each time: the warehouse remembers the deliveries it has loaded
    inbox = data_dir.parent / "inbox"
    shutil.rmtree(inbox, ignore_errors=True)
    delivery = inbox / f"{args.increment_date}-bench-{time.strftime('%Y%m%dT%H%M%S')}"
    prepare = [
        [
            *cli,
            "generate",
            "--customers",
            str(args.customers_now),
            "--seed",
            str(args.seed),
            "--out",
            str(delivery),
            "--increment",
            args.increment_date,
            "--quiet",
        ]
    ]
    # The night before left dbt's partial parse of the project for the working copy's path (a nightly
    # run builds there, publish.working_copy_path). The benchmark's full build ran on the published
    # path, which dbt counts as another profile: without this, the measured run would parse the whole
    # project, which a nightly run on a schedule does not (issue 9).
    database = data_dir.parent / DATABASE_NAME
    prepare.append(["env", f"CUSTOMER_VALUE_DB={working_copy_path(database)}", *DBT_IN_PROCESS, "parse"])
    run = [*cli, "scheduled", "--inbox", str(inbox)]
    if args.models_only:
        run += ["--exclude", "resource_type:test"]
    return (
        prepare,
        [run],
        "detected: generate --increment and dbt parse on the working copy's path (not timed), "
        "then scheduled --inbox",
    )


# --- one scale --------------------------------------------------------------------------------------


@dataclass
class ScaleResult:
    customers: int
    steps: dict[str, dict] = field(default_factory=dict)
    models: list[dict] = field(default_factory=list)
    dbt: dict = field(default_factory=dict)
    floor: dict = field(default_factory=dict)
    incremental: dict = field(default_factory=dict)
    fit: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)
    ok: bool = True
    # only generation, load and the full build ran (--build-only-from)
    build_only: bool = False


def run_scale(customers: int, args: argparse.Namespace) -> ScaleResult:
    result = ScaleResult(customers)
    root = args.out / f"c{customers}"
    data_dir = root / "data"
    database = root / DATABASE_NAME
    target_dir = root / "target"
    env = {
        **os.environ,
        "CUSTOMER_VALUE_DB": str(database),
        "CUSTOMER_VALUE_MEMORY_LIMIT": args.memory_limit,
        "CUSTOMER_VALUE_THREADS": str(args.threads),
        "CUSTOMER_VALUE_TARGET": "dev",
        "DBT_TARGET_PATH": str(target_dir),
        "DBT_LOG_PATH": str(root / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "COLUMNS": "200",
    }
    cli = [sys.executable, "-m", "customer_value.cli"]
    args.customers_now = customers

    def record(step: Step) -> Step:
        result.steps[step.name] = asdict(step)
        if not step.ok:
            result.ok = False
            console.print(f"[bold red]{customers:,} customers: {step.name} failed[/]: {step.note}")
        else:
            spilled = f", spilled {_gb(step.peak_spill_bytes)} GB" if step.peak_spill_bytes else ""
            console.print(f"{customers:,} customers: {step.name} {step.seconds:,.1f} s{spilled}")
        return step

    build_only = bool(args.build_only_from and customers >= args.build_only_from)
    # set before any step, so that a build-only scale which fails is not judged as one that ran every step
    result.build_only = build_only
    shortfall = None if args.no_disk_check else disk_shortfall(root, customers, build_only)
    if shortfall:
        record(Step("disk", ok=False, note=shortfall))
        return result
    # When the harness times the daily run itself, the full build loads the snapshot at the end of the day
    # before the delivery (`generate --cutoff`): the delivery then brings rows the warehouse does not hold
    # yet (the day's own, late rows of earlier days, corrections), as on a night on a schedule. Replayed
    # onto the whole data set, most of its rows were already there, unchanged.
    cutoff = None if build_only or args.incremental_command else snapshot_cutoff(args.increment_date)
    wanted = {"customers": customers, "seed": args.seed, "cutoff": cutoff}
    found = generated_data(data_dir)
    if found is not None and not args.regenerate and all(found.get(k, v) == v for k, v in wanted.items()):
        result.steps["generate"] = asdict(Step("generate", None, None, True, f"reused {data_dir}"))
    else:
        for stale in (data_dir / DATA_MARKER, data_dir / "truth.json"):
            stale.unlink(missing_ok=True)
        command = [
            *cli,
            "generate",
            "--customers",
            str(customers),
            "--seed",
            str(args.seed),
            "--out",
            str(data_dir),
            "--quiet",
            *(["--cutoff", cutoff] if cutoff else []),
        ]
        if not record(measure("generate", command, env, root / "generate.log")).ok:
            return result
        (data_dir / DATA_MARKER).write_text(json.dumps(wanted) + "\n")
    if database.exists():
        database.unlink()
    if not record(measure("load", [*cli, "load", "--from", str(data_dir)], env, root / "load.log")).ok:
        return result
    build_args = ["build"]
    if args.models_only:
        build_args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    name = "models_only_build" if args.models_only else "full_build"
    command = [*DBT_IN_PROCESS, *build_args]
    # DuckDB's temp_directory (Settings.dbt_env): the database's folder / tmp
    if not record(measure(name, command, env, root / f"{name}.log", spill_dir=root / "tmp")).ok:
        return result

    timings = node_timings(target_dir)
    path = model_ancestors(target_dir, MART_NODE)
    result.dbt = {"seconds_by_resource_type": seconds_by_resource_type(timings), "nodes": len(timings)}
    result.models = sorted(
        (
            {"model": t["name"], "seconds": t["seconds"], "profitability_path": uid in path}
            for uid, t in timings.items()
            if t["resource_type"] == "model"
        ),
        key=lambda model: -model["seconds"],
    )
    path_seconds = sum(timings[uid]["seconds"] for uid in path if uid in timings)
    if build_only:
        console.print(
            f"{customers:,} customers: generation, load and the full build only (--build-only-from)"
        )
        return result

    # The daily run first, on the warehouse as the full build left it, as the first night after a build
    # finds it: the steps after it rewrite the path's tables (--full-refresh) and add the floor's, which
    # would leave the copy a nightly run makes of the file gigabytes larger (issue 9).
    prepare, commands, how = incremental_command(args, data_dir)
    notes: list[str] = []
    # a daily run that the harness found but could not prepare or run fails the scale (make bench-smoke
    # must catch it); one that is not available does not
    failed = False
    for index, command in enumerate(prepare):
        step = measure(f"prepare_{index}", command, env, root / f"prepare_{index}.log")
        if not step.ok:
            commands, how = None, f"the run could not be prepared ({' '.join(command[-2:])}): {step.note}"
            failed = True
            break
    if commands is None:
        result.incremental = {"available": False, "note": how}
    else:
        seconds, peak, ok, started = 0.0, 0, True, time.time()
        for index, command in enumerate(commands):
            step = measure(f"incremental_{index}", command, env, root / f"incremental_{index}.log")
            seconds += step.seconds or 0.0
            peak = max(peak, step.peak_bytes or 0)
            # `scheduled` exits 2 when rows arrived after their month left the lookback window: the run
            # itself succeeded
            late = step.note.startswith(f"exit {EXIT_LATE_ROWS}:")
            ok = ok and (step.ok or late)
            if late:
                notes.append("rows outside the lookback window were reported (exit 2)")
            elif not step.ok:
                notes.append(step.note)
                break
        full = result.steps[name]["seconds"]
        note = how if ok else f"{how}; failed: {' '.join(notes)}"
        if ok and notes:
            note += "; " + " ".join(notes)
        result.incremental = {
            "available": ok,
            "note": note,
            "seconds": seconds if ok else None,
            "peak_bytes": peak or None,
            "share_of_full_build": seconds / full if ok and full else None,
            "profile": daily_profile(target_dir, seconds, started=started) if ok else None,
        }
        failed = not ok
    console.print(f"{customers:,} customers: incremental run: {result.incremental['note']}")
    if failed:
        result.ok = False

    # The profitability path again on its own, one model at a time (each query still has every DuckDB
    # thread), as the floor runs: in the full build its models share the machine with whatever dbt runs
    # beside them, which on two cores stretches each one's time. --full-refresh: the incremental models
    # of the path (the quarantines, the mart) do all their work, as in the full build. The ratio is
    # judged on the wall time of this whole dbt command, its start-up and parsing included; the floor is
    # then compared with the mart this run built.
    path_alone = record(
        measure(
            "profitability_path_alone",
            PATH_ALONE_COMMAND,
            env,
            root / "profitability_path_alone.log",
        )
    )
    alone_timings = node_timings(target_dir) if path_alone.ok else {}
    alone_model_seconds = sum(t["seconds"] for t in alone_timings.values() if t["resource_type"] == "model")

    floor_seconds = run_floor(database, args.memory_limit, args.threads)
    with _connect(database, args.memory_limit, args.threads, read_only=True) as connection:
        comparison = compare_tables(connection, MART, f"{FLOOR_SCHEMA}.fct_customer_profitability_monthly")
        result.rows = dict(
            connection.execute(
                "select 'order_lines', count(*) from raw.order_lines union all "
                "select 'activities', count(*) from raw.activities union all "
                "select 'invoices', count(*) from raw.invoices union all "
                f"select 'profitability_monthly', count(*) from {MART}"
            ).fetchall()
        )
    alone_seconds = path_alone.seconds if path_alone.ok else None
    result.floor = {
        "seconds": floor_seconds,
        # wall time of the path built alone (PATH_ALONE_COMMAND), the judged figure
        "profitability_path_seconds": alone_seconds,
        "profitability_path_model_seconds": alone_model_seconds if path_alone.ok else None,
        # the sum of the path's model times within the full build, where they share the machine
        "profitability_path_in_full_build_seconds": path_seconds,
        "profitability_path_models": len(path),
        "ratio": alone_seconds / floor_seconds if alone_seconds and floor_seconds else None,
        "ratio_in_full_build": path_seconds / floor_seconds if floor_seconds else None,
        "comparison": comparison,
    }
    console.print(
        f"{customers:,} customers: floor {floor_seconds:,.1f} s, profitability path alone "
        f"{_s(alone_seconds)} s ({len(path)} models; {path_seconds:,.1f} s within the full build), "
        f"same to the cent: {comparison['equal']}"
    )
    if not comparison["equal"]:
        result.ok = False
        console.print(f"[bold red]the floor and the mart differ[/]: {json.dumps(comparison)[:2000]}")

    # The fit again on its own, one model at a time, as lifetimes runs: in the full build its models share
    # the machine with whatever dbt runs beside them.
    alone = measure(
        "fit_alone",
        [*DBT_RUN_ALONE, "--select", *FIT_MODELS],
        env,
        root / "fit_alone.log",
    )
    result.fit = fit_comparison(timings, node_timings(target_dir) if alone.ok else None, database, args)
    if args.check_parameters:
        difference = result.fit.get("max_parameter_relative_difference")
        limit = TARGETS["parameter_relative_difference"]
        if difference is None or difference > limit:
            result.ok = False
            console.print(
                f"[bold red]the fits differ[/]: largest relative difference of lifetimes' parameters "
                f"{difference} (limit {limit}); peer: {json.dumps(result.fit.get('peer'))[:500]}"
            )
    return result


def fit_comparison(
    timings: dict[str, dict], alone: dict[str, dict] | None, database: Path, args: argparse.Namespace
) -> dict:
    """The in-warehouse fit's seconds and parameters against lifetimes' on the same customer summary. The
    seconds are those of the fit's models run on their own (`alone`, from `dbt run --select`) when that
    run succeeded, else their seconds inside the full build."""

    def fit_seconds(nodes: dict[str, dict]) -> float:
        return sum(
            t["seconds"] for t in nodes.values() if t["resource_type"] == "model" and t["name"] in FIT_MODELS
        )

    in_build = fit_seconds(timings)
    alone_seconds = fit_seconds(alone or {})
    warehouse_seconds = alone_seconds if alone else in_build
    with _connect(database, args.memory_limit, args.threads, read_only=True) as connection:
        bgnbd = connection.execute(
            "select r, alpha, a, b, log_likelihood from intermediate.int_bgnbd_parameters_fitted"
        ).fetchone()
        gamma_gamma = connection.execute(
            "select p, q, gamma, log_likelihood from intermediate.int_gamma_gamma_parameters_fitted"
        ).fetchone()
    fit: dict = {
        "warehouse": {
            "seconds": warehouse_seconds,
            "seconds_alone": alone_seconds if alone else None,
            "seconds_in_full_build": in_build,
            "models": list(FIT_MODELS),
            "bgnbd": dict(zip(("r", "alpha", "a", "b", "log_likelihood"), bgnbd, strict=True)),
            "gamma_gamma": dict(zip(("p", "q", "gamma", "log_likelihood"), gamma_gamma, strict=True)),
        }
    }
    python = Path(args.peer_python) if args.peer_python else BENCH_PYTHON
    if args.no_peer:
        fit["peer"] = {"available": False, "reason": "--no-peer"}
        return fit
    if not python.exists():
        fit["peer"] = {"available": False, "reason": f"{python} does not exist: run `make venv-bench`"}
        return fit
    completed = subprocess.run(
        [str(python), "-m", "customer_value.bench_peer", "--database", str(database)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        fit["peer"] = {"available": False, "reason": completed.stderr.strip()[-500:]}
        return fit
    peer = json.loads(completed.stdout.strip().splitlines()[-1])
    fit["peer"] = peer
    if peer.get("available"):
        differences = {}
        for model in ("bgnbd", "gamma_gamma"):
            for key, value in peer[model]["parameters"].items():
                ours = fit["warehouse"][model][key]
                differences[f"{model}.{key}"] = abs(ours - value) / abs(value) if value else None
        fit["parameter_relative_differences"] = differences
        fit["max_parameter_relative_difference"] = max(v for v in differences.values() if v is not None)
        peer_seconds = peer["bgnbd"]["seconds"] + peer["gamma_gamma"]["seconds"]
        fit["peer_seconds"] = peer_seconds
        fit["warehouse_over_peer"] = warehouse_seconds / peer_seconds if peer_seconds else None
    return fit


# --- report ------------------------------------------------------------------------------------------


def _gb(value: int | None) -> str:
    return "" if not value else f"{value / 1024**3:,.2f}"


def _s(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}"


def last_complete_scale(results: list[ScaleResult]) -> ScaleResult | None:
    """The largest scale that was to run every step (not --build-only-from), or None."""
    complete = [result for result in results if not result.build_only]
    return complete[-1] if complete else None


def targets(results: list[ScaleResult]) -> list[dict]:
    """The issue's targets: those set for TARGET_SCALE customers judged on the largest scale that ran every
    step, and at each scale of SPILL_SCALE customers or more, that its full build completed."""
    checks = []

    def check(name: str, value, limit, passed, customers: int, scale: int = TARGET_SCALE) -> None:
        checks.append(
            {
                "target": name,
                "value": value,
                "limit": limit,
                "met": passed,
                "customers": customers,
                "judged_at_target_scale": customers >= scale,
            }
        )

    last = last_complete_scale(results)
    if last is not None:
        build = last.steps.get("full_build") or last.steps.get("models_only_build") or {}
        label = "full build" if "full_build" in last.steps else "build of seeds and models"
        # (target, value, key of TARGETS, whether the value must stay strictly below the limit)
        judged = (
            ("profitability path / floor", last.floor.get("ratio"), "profitability_path_over_floor", False),
            (f"{label} seconds", build.get("seconds"), "full_build_seconds", True),
            (f"{label} peak memory (bytes)", build.get("peak_bytes"), "full_build_peak_bytes", True),
            (
                f"incremental / {label}",
                last.incremental.get("share_of_full_build"),
                "incremental_share_of_full_build",
                True,
            ),
            (
                "in-warehouse fit / lifetimes",
                last.fit.get("warehouse_over_peer"),
                "fit_seconds_over_peer",
                False,
            ),
            (
                "max parameter difference",
                last.fit.get("max_parameter_relative_difference"),
                "parameter_relative_difference",
                False,
            ),
        )
        for name, value, key, strictly_below in judged:
            limit = TARGETS[key]
            passed = None if value is None else (value < limit if strictly_below else value <= limit)
            check(name, value, limit, passed, last.customers)
    for result in results:
        if result.customers < SPILL_SCALE:
            continue
        # a scale stopped before its build (the disk check) is not judged: n/a
        build = result.steps.get("full_build")
        check(
            "full build completes (spilling to disk)",
            build["seconds"] if build and build.get("ok") else None,
            "completes",
            None if build is None else bool(build.get("ok")),
            result.customers,
            scale=SPILL_SCALE,
        )
    return checks


def print_report(results: list[ScaleResult], checks: list[dict], top: int) -> None:
    out = Console() if Console().is_terminal else Console(width=180)
    steps = Table(
        title="make bench: seconds (peak GB of the process tree); x = growth over the previous scale "
        "per customer (1.0 = linear)"
    )
    for heading in (
        "customers",
        "generate",
        "load",
        "full build",
        "x",
        "floor",
        "path alone",
        "path/floor",
        "path in build",
        "same to the cent",
        "incremental",
        "fit (warehouse)",
        "fit (lifetimes)",
    ):
        steps.add_column(heading, justify="right")
    previous = None
    for result in results:
        build = result.steps.get("full_build") or result.steps.get("models_only_build") or {}
        growth = ""
        if previous and build.get("seconds") and previous[1]:
            growth = f"{(build['seconds'] / previous[1]) / (result.customers / previous[0]):.2f}"
        previous = (result.customers, build.get("seconds"))

        def cell(step: dict) -> str:
            if not step:
                return ""
            if step.get("seconds") is None:
                return step.get("note", "")
            peak = f" ({_gb(step.get('peak_bytes'))})" if step.get("peak_bytes") else ""
            spill = f", spilled {_gb(step['peak_spill_bytes'])}" if step.get("peak_spill_bytes") else ""
            return f"{step['seconds']:,.1f}{peak}{spill}"

        incremental = result.incremental
        steps.add_row(
            f"{result.customers:,}",
            cell(result.steps.get("generate", {})),
            cell(result.steps.get("load", {})),
            cell(build),
            growth,
            _s(result.floor.get("seconds")),
            _s(result.floor.get("profitability_path_seconds")),
            "" if result.floor.get("ratio") is None else f"{result.floor['ratio']:.2f}",
            _s(result.floor.get("profitability_path_in_full_build_seconds")),
            str(result.floor.get("comparison", {}).get("equal", "")),
            _s(incremental.get("seconds")) if incremental.get("available") else "n/a",
            _s(result.fit.get("warehouse", {}).get("seconds")),
            _s(result.fit.get("peer_seconds")) if result.fit.get("peer", {}).get("available") else "n/a",
        )
    out.print(steps)
    if results and results[-1].models:
        last = results[-1]
        models = Table(title=f"slowest models at {last.customers:,} customers (run_results.json)")
        models.add_column("model")
        models.add_column("seconds", justify="right")
        models.add_column("profitability path")
        for model in last.models[:top]:
            models.add_row(
                model["model"], f"{model['seconds']:,.1f}", "yes" if model["profitability_path"] else ""
            )
        out.print(models)
    last = last_complete_scale(results)
    profile = last.incremental.get("profile") if last else None
    if profile:
        out.print(
            f"daily run at {last.customers:,} customers: {last.incremental['seconds']:,.1f} s = dbt build "
            f"{_s(profile['build_seconds'])} + the rest {_s(profile['outside_build_seconds'])} (delivery "
            f"upsert, freshness, parsing, summary); {profile['nodes']} nodes: models "
            f"{profile['model_seconds']:,.0f} s and data tests {profile['test_seconds']:,.0f} s, summed "
            "over dbt's threads"
        )
        daily = Table(title=f"slowest nodes of the daily run at {last.customers:,} customers")
        daily.add_column("node")
        daily.add_column("type")
        daily.add_column("seconds", justify="right")
        for node in profile["slowest"]:
            daily.add_row(node["name"], node["resource_type"], f"{node['seconds']:,.1f}")
        out.print(daily)
    if checks:
        table = Table(
            title=f"targets (set for {TARGET_SCALE:,} customers, the spill for {SPILL_SCALE:,}; "
            "judged at the customers shown)"
        )
        for heading in ("target", "customers", "value", "limit", "met"):
            table.add_column(heading, justify="left" if heading == "target" else "right")
        for check in checks:
            value, limit = check["value"], check["limit"]
            if "bytes" in check["target"]:
                value, limit = _gb(value), _gb(limit) + " GB"
            elif isinstance(value, float):
                value = f"{value:,.4g}"
            met = {True: "yes", False: "[bold red]no[/]", None: "n/a"}[check["met"]]
            table.add_row(
                check["target"],
                f"{check['customers']:,}",
                "" if value is None else str(value),
                str(limit),
                met,
            )
        out.print(table)


def machine() -> dict:
    info = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }
    try:
        with open("/proc/meminfo") as handle:
            info["memory_bytes"] = int(handle.readline().split()[1]) * 1024
    except OSError:
        pass
    try:
        import duckdb

        info["duckdb"] = duckdb.__version__
        info["commit"] = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except ImportError:
        pass
    return info


# --- command line ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["dbt"]:
        # internal: one dbt command in this process, so that its time and memory are measured alone
        from customer_value.dbt import DbtError, run_dbt

        try:
            run_dbt(argv[1:])
        except DbtError as error:
            console.print(f"[bold red]error:[/] {error}")
            return 1
        return 0
    parser = argparse.ArgumentParser(description="Benchmark the pipeline against the floor and the peer.")
    parser.add_argument("--customers", type=int, action="append", help="scale step (repeat for several)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "build" / "bench")
    parser.add_argument("--json", type=Path, default=None, help="JSON results (default <out>/bench.json)")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit of every step")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads of every step")
    parser.add_argument("--regenerate", action="store_true", help="generate the data even when it is there")
    parser.add_argument(
        "--models-only",
        action="store_true",
        help="dbt build of seeds and models only, no data or unit tests (bench-smoke)",
    )
    parser.add_argument(
        "--incremental-command",
        default=None,
        help="shell command of the daily incremental run ({data}, {increment}, {customers}, {seed})",
    )
    parser.add_argument(
        "--increment-date",
        default="2026-10-31",
        help="day whose delivery the detected incremental run generates and upserts: its new rows, the late "
        "rows of earlier days, the corrections (default: the data's last day); the full build then loads the "
        "snapshot at the end of the day before",
    )
    parser.add_argument(
        "--build-only-from",
        type=int,
        default=SPILL_SCALE,
        help="at this many customers and more, run only generation, load and the full build (the target "
        f"there is that the build completes); 0: every step at every scale (default {SPILL_SCALE:,})",
    )
    parser.add_argument(
        "--no-disk-check",
        action="store_true",
        help="start a scale even when the free disk under --out looks too small for it",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip the lifetimes fit")
    parser.add_argument(
        "--check-parameters",
        action="store_true",
        help="fail unless lifetimes ran and its parameters are within 0.5%% of the warehouse's",
    )
    parser.add_argument(
        "--peer-python", default=None, help="interpreter with lifetimes (default .venv-bench)"
    )
    parser.add_argument("--top", type=int, default=15, help="slowest models to list")
    args = parser.parse_args(argv)
    scales = args.customers or [10_000, 100_000]
    args.out = args.out.resolve()
    started = datetime.now(timezone.utc)
    before = machine()
    results = []
    for customers in scales:
        result = run_scale(customers, args)
        results.append(result)
        if not result.ok:
            break
    checks = targets(results)
    document = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": before,
        "load_average_after": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "memory_limit": args.memory_limit,
        "threads": args.threads,
        "models_only": args.models_only,
        "scales": [asdict(result) for result in results],
        "targets": checks,
    }
    path = args.json or args.out / "bench.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, default=str))
    print_report(results, checks, args.top)
    console.print(f"results written to {path}")
    if not all(result.ok for result in results):
        console.print(
            "[bold red]bench failed[/]: a step failed, the floor and the mart differ, or the fits differ."
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

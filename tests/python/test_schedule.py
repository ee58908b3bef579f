"""Running on a schedule (issue 6): a simulated week of daily deliveries through `customer-value scheduled`.

One generated business (150 customers) is loaded as it stood on 2026-10-27, then a delivery per day
from 2026-10-28 to 2026-11-03 (new rows, rows up to five days late, corrections; across a month's
turn) is loaded and built incrementally. The incremental marts must equal a --full-refresh build of the
same raw data row for row (every column, decimals to the cent); running a day again changes nothing; a
late row inside the lookback window is counted; one outside it is reported (exit code 2,
rpt_late_rows_outside_lookback, ops.run_history) and counted by the next --full-refresh run.

To keep `make test` quick the daily runs build the profitability models only, without their data tests
(`make test-dbt` runs every test on a full build), run in this process, and always on the same database
path (dbt re-parses the whole project when the profile's path changes).
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import run_cli
from rich.console import Console

from customer_value import schedule
from customer_value.config import Settings
from customer_value.contract import raw_tables
from customer_value.generate import generate_dataset
from customer_value.generate.increments import write_increment
from customer_value.load import INCREMENTAL_MODELS
from customer_value.schedule import NIGHTLY_EXCLUDE, RunRecord, scheduled_run

CUSTOMERS = "150"
SEED = "11"
END_DATE = date(2026, 11, 3)
CUTOFF = date(2026, 10, 27)
DAYS = [CUTOFF + timedelta(days=offset) for offset in range(1, 8)]
# The profitability models (with the incremental ones) and the late-rows report; no data tests.
SELECTION = ["--select", "+fct_customer_profitability +rpt_late_rows_outside_lookback"]
EXCLUDE = ["--exclude", "resource_type:test resource_type:unit_test"]
COMPARED_SCHEMAS = ("staging", "intermediate", "marts")
LOAD_COLUMNS = ("loaded_at", "_loaded_at", "latest_loaded_at", "_source_file")
# An order line worth 2 x 12.50 = 25.00 (no discount, in USD) delivered late.
LATE_QUANTITY, LATE_PRICE = 2, Decimal("12.50")


def _generate(out: Path, *options: str) -> None:
    run_cli(
        [
            "generate",
            "--customers",
            CUSTOMERS,
            "--seed",
            SEED,
            "--end-date",
            END_DATE.isoformat(),
            "--out",
            str(out),
            *options,
        ],
        out.parent / "unused.duckdb",
    )


def _scheduled(database: Path, inbox: Path, *options: str, expect: int = 0) -> str:
    """`customer-value scheduled` in a subprocess, as a scheduler calls it; checks the exit code."""
    result = run_cli(
        ["scheduled", "--inbox", str(inbox), *SELECTION, *EXCLUDE, *options], database, check=False
    )
    assert result.returncode == expect, (
        f"exit code {result.returncode}:\n{result.stdout}\n{result.stderr[-4000:]}"
    )
    return result.stdout + result.stderr


def _scheduled_here(database: Path, inbox: Path, full_refresh: bool = False) -> None:
    """The same run in this process (no interpreter and dbt start-up per day: the week stays quick)."""
    settings = replace(Settings.from_env(), database=database)
    record = scheduled_run(
        settings,
        inbox,
        Console(stderr=True, quiet=True),
        full_refresh=full_refresh,
        select=SELECTION[1],
        exclude=EXCLUDE[1],
    )
    assert record.exit_code == 0, f"{record.status}: {record.message} {record.failures}"


def _late_line(folder: Path, line_id: str, customer_id: str, product_id: str, ordered: date) -> None:
    folder.mkdir(parents=True)
    columns = [c.name for c in raw_tables()["order_lines"].columns]
    with (folder / "order_lines.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerow(
            {
                "order_line_id": line_id,
                "order_id": f"O-{line_id}",
                "customer_id": customer_id,
                "product_id": product_id,
                "ordered_at": f"{ordered.isoformat()} 10:00:00",
                "line_type": "sale",
                "quantity": LATE_QUANTITY,
                "unit_price": str(LATE_PRICE),
                "discount_amount": "0",
                "currency_code": "USD",
            }
        )


def _gross_sales(database: Path, customer_id: str, month: date) -> Decimal:
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.execute(
            "select gross_sales from marts.fct_customer_profitability_monthly "
            "where customer_id = ? and period_month = ?",
            [customer_id, month],
        ).fetchone()
    assert row is not None, f"no row for {customer_id} in {month}"
    return row[0]


def _tables(connection: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return connection.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = ? and table_type = 'BASE TABLE' and list_contains(?, table_schema) "
        "order by 1, 2",
        [catalog, list(COMPARED_SCHEMAS)],
    ).fetchall()


def _differences(left: Path, right: Path) -> dict[str, tuple[int, int, int, int]]:
    """Per table of the compared schemas: rows only left, rows only right, and both row counts, where
    any differ (multiset comparison of whole rows: every column, decimals exactly)."""
    found = {}
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as l (read_only)")
        connection.execute(f"attach '{right}' as r (read_only)")
        tables = _tables(connection, "l")
        assert tables == _tables(connection, "r")
        assert len(tables) > 10
        for schema, table in tables:
            name = f'{schema}."{table}"'
            columns = [row[0] for row in connection.execute(f"describe l.{name}").fetchall()]
            # when and from which file a row was delivered is no result: a re-delivered row keeps its
            # values, not its load time (the quarantine tables of staging keep the raw load columns)
            load_columns = [c for c in LOAD_COLUMNS if c in columns]
            star = f"* exclude ({', '.join(load_columns)})" if load_columns else "*"
            only_left = connection.execute(
                f"select count(*) from (select {star} from l.{name} except all select {star} from r.{name})"
            ).fetchone()[0]
            only_right = connection.execute(
                f"select count(*) from (select {star} from r.{name} except all select {star} from l.{name})"
            ).fetchone()[0]
            rows = [connection.execute(f"select count(*) from {c}.{name}").fetchone()[0] for c in "lr"]
            if only_left or only_right:
                found[f"{schema}.{table}"] = (only_left, only_right, *rows)
    return found


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The base loaded and built, then a week of daily deliveries run through `scheduled`."""
    directory = tmp_path_factory.mktemp("schedule")
    database = directory / "warehouse.duckdb"
    inbox = directory / "inbox"
    inbox.mkdir()
    _generate(directory / "base", "--cutoff", CUTOFF.isoformat())
    run_cli(["load", "--from", str(directory / "base")], database)
    _scheduled_here(database, inbox)
    # the whole history once; each day's delivery is cut from it (`generate --increment` does the same
    # per call, and is run once below)
    generate_dataset(directory / "full", int(CUSTOMERS), int(SEED), END_DATE, 24, show_progress=False)

    customers = pq.read_table(directory / "base" / "customers.parquet").to_pylist()
    products = pq.read_table(directory / "base" / "products.parquet").to_pylist()
    product_id = products[0]["product_id"]
    old_customers = sorted(c["customer_id"] for c in customers if c["signup_date"] < date(2026, 6, 1))

    late = {}
    for day in DAYS:
        folder = inbox / day.isoformat()
        if day == DAYS[0]:
            _generate(folder, "--increment", day.isoformat())
        else:
            write_increment(directory / "full", folder, day, int(SEED))
        if day == date(2026, 11, 1):
            # a row of 10 October arrives on 1 November: inside the lookback window (one month back)
            lines = folder / "order_lines.parquet"
            busy = (
                {row["customer_id"] for row in pq.read_table(lines).to_pylist()} if lines.is_file() else set()
            )
            customer_id = next(c for c in old_customers if c not in busy)
            month = date(2026, 10, 1)
            late = {
                "customer_id": customer_id,
                "month": month,
                "before": _gross_sales(database, customer_id, month),
            }
            _late_line(
                inbox / f"{day.isoformat()}-late",
                "L-LATE-INSIDE",
                customer_id,
                product_id,
                date(2026, 10, 10),
            )
        _scheduled_here(database, inbox)
        if day == date(2026, 11, 1):
            late["after"] = _gross_sales(database, late["customer_id"], late["month"])
    return {
        "directory": directory,
        "database": database,
        "inbox": inbox,
        "late": late,
        "product_id": product_id,
        "old_customers": old_customers,
    }


def test_deliveries_rebuild_the_full_data_set(week: dict[str, object]) -> None:
    """The snapshot plus the week's deliveries, upserted by key, hold the same rows as the snapshot of the
    last day: the generator's late rows and corrections lose and duplicate nothing."""
    directory: Path = week["directory"]
    _generate(directory / "final", "--cutoff", END_DATE.isoformat())
    with duckdb.connect(str(week["database"]), read_only=True) as connection:
        for table in ("order_lines", "activities", "payments", "employees", "customers"):
            columns = ", ".join(c.name for c in raw_tables()[table].columns)
            expected = f"(select distinct {columns} from '{directory / 'final' / table}.parquet')"
            key = columns.split(",")[0]
            actual = f"(select distinct {columns} from raw.{table} where {key} not like '%LATE%')"
            for left, right in ((expected, actual), (actual, expected)):
                missing = connection.execute(f"select count(*) from ({left} except {right})").fetchone()[0]
                assert missing == 0, f"raw.{table}: {missing} rows differ from the final snapshot"


def test_week_of_increments_equals_a_full_refresh(week: dict[str, object]) -> None:
    database: Path = week["database"]
    incremental = database.with_name("incremental.duckdb")
    shutil.copyfile(database, incremental)
    # rebuilt in place: every dbt run of this module uses one database path, so dbt parses the project
    # once (another path is another profile, and a full parse)
    _scheduled_here(database, week["inbox"], full_refresh=True)
    assert _differences(incremental, database) == {}


def test_running_the_same_day_twice_changes_nothing(week: dict[str, object]) -> None:
    database: Path = week["database"]
    before = database.with_name("before_rerun.duckdb")
    shutil.copyfile(database, before)
    inbox: Path = week["inbox"]
    shutil.copytree(inbox / DAYS[-1].isoformat(), inbox / f"{DAYS[-1].isoformat()}-again")
    _scheduled_here(database, inbox)
    with duckdb.connect(str(database), read_only=True) as connection:
        deliveries = connection.execute(
            "select deliveries from ops.run_history order by finished_at desc"
        ).fetchone()
    assert f"{DAYS[-1].isoformat()}-again" in deliveries[0]
    assert _differences(before, database) == {}


def test_late_row_inside_the_lookback_window_is_counted(week: dict[str, object]) -> None:
    late = week["late"]
    assert late["after"] - late["before"] == LATE_QUANTITY * LATE_PRICE


def test_late_row_outside_the_lookback_window_is_reported_then_counted(week: dict[str, object]) -> None:
    database: Path = week["database"]
    inbox: Path = week["inbox"]
    customer_id = week["old_customers"][-1]
    month = date(2026, 7, 1)
    before = _gross_sales(database, customer_id, month)
    _late_line(inbox / "2026-11-04", "L-LATE-OUTSIDE", customer_id, week["product_id"], date(2026, 7, 15))

    output = _scheduled(database, inbox, expect=2)
    assert "order_lines 2026-07: 1" in output
    # the summary says where the run's time went, step by step
    steps = (
        r"seconds per step\s+│\s+copy [0-9.]+, load [0-9.]+, freshness [0-9.]+, build [0-9.]+, "
        r"outcome [0-9.]+, publish [0-9.]+"
    )
    assert re.search(steps, output)
    assert _gross_sales(database, customer_id, month) == before
    with duckdb.connect(str(database), read_only=True) as connection:
        report = connection.execute(
            "select source_table, period_month, new_rows from marts.rpt_late_rows_outside_lookback"
        ).fetchall()
        history = connection.execute(
            "select status, exit_code, late_rows_outside_lookback, invocation_id from ops.run_history "
            "order by finished_at desc limit 1"
        ).fetchone()
        marts = connection.execute(
            "select count(*) from ops.run_history_marts where invocation_id = ?", [history[3]]
        ).fetchone()[0]
    assert report == [("order_lines", month, 1)]
    assert history[:3] == ("late_rows", 2, 1)
    assert marts >= 3

    _scheduled(database, inbox, "--full-refresh")
    assert _gross_sales(database, customer_id, month) == before + LATE_QUANTITY * LATE_PRICE
    with duckdb.connect(str(database), read_only=True) as connection:
        assert (
            connection.execute("select count(*) from marts.rpt_late_rows_outside_lookback").fetchone()[0] == 0
        )


def test_the_full_load_drops_every_incremental_model_of_the_project(project_manifest: dict) -> None:
    """The loader's list of incremental models (dropped by a full load) is the project's, so a model made
    incremental later cannot keep an old data set's rows."""
    incremental = {
        f"{node['schema']}.{node['alias']}"
        for node in project_manifest["nodes"].values()
        if node["resource_type"] == "model"
        and node["config"].get("materialized") == "incremental"
        and node["config"].get("enabled", True)
    }
    assert incremental == set(INCREMENTAL_MODELS)


def test_a_full_load_drops_the_incremental_models(tmp_path: Path) -> None:
    """A full load replaces the history the incremental models were built from: they are dropped, so the
    next build recreates them instead of keeping the old data set's months outside the window."""
    generate_dataset(tmp_path / "data", 20, 3, END_DATE, 3, show_progress=False)
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema intermediate")
        connection.execute("create table intermediate.int_order_lines_costed as select 1 as stale")
        connection.execute("create table intermediate.int_customer_months as select 1 as kept")
    run_cli(["load", "--from", str(tmp_path / "data")], database)
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute("select table_name from information_schema.tables").fetchall()
    tables = {row[0] for row in rows}
    assert "int_order_lines_costed" not in tables
    assert {"int_customer_months", "order_lines"} <= tables


def test_the_nightly_run_skips_only_data_tests_of_what_the_build_guarantees(project_manifest: dict) -> None:
    """The nightly run excludes NIGHTLY_EXCLUDE: it must select data tests only (a model tagged so would
    not be built at night), and some (a tag nothing carries any more would leave them all in)."""
    tag = NIGHTLY_EXCLUDE.removeprefix("tag:")
    tagged = {
        node["name"]: node["resource_type"]
        for node in project_manifest["nodes"].values()
        if tag in node.get("tags", [])
    }
    assert tagged, f"no node is tagged {tag}"
    assert set(tagged.values()) == {"test"}, tagged
    assert any(name.startswith("unique_stg_crm__activities_activity_id") for name in tagged)


def test_the_nightly_build_excludes_them_beside_what_the_caller_excludes(monkeypatch, tmp_path: Path) -> None:
    calls = []

    class Result:
        exception, result, success = RuntimeError("not run"), None, False

    monkeypatch.setattr(schedule, "_invoke", lambda args, settings: (calls.append(args), (Result(), "id"))[1])
    record = RunRecord(started_at=None, full_refresh=False)
    settings = Settings(database=tmp_path / "w.duckdb", memory_limit="1GB", threads=1, target="dev")
    assert not schedule._build(record, settings, "tag:a", "tag:b tag:c")
    exclude = calls[0][calls[0].index("--exclude") + 1 :]
    assert calls[0].count("--exclude") == 1
    assert exclude[:3] == [NIGHTLY_EXCLUDE, "tag:b", "tag:c"]

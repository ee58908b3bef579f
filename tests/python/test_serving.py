"""Serving BI tools (issue 7): exports, the MetricFlow semantic layer and the dashboard.

The semantic-layer and dashboard tests read the 400-customer build of `make test-dbt`, whose database
`make test` passes in CUSTOMER_VALUE_TEST_DB (building one here would double the suite's time). Run alone
without it, they skip and say so.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from browser import find_browser, headless_chromium, inspect_page, rendering_problems
from conftest import PROJECT_DIR, run_cli

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def test_build() -> Path:
    """The database of `make test-dbt` (400 generated customers), named by CUSTOMER_VALUE_TEST_DB."""
    named = os.environ.get("CUSTOMER_VALUE_TEST_DB")
    if not named:
        pytest.skip("CUSTOMER_VALUE_TEST_DB is not set: `make test` sets it to the build of `make test-dbt`")
    database = Path(named).resolve()
    if not database.exists():
        pytest.fail(f"CUSTOMER_VALUE_TEST_DB names {database}, which does not exist: run `make test-dbt`")
    return database


def _query(database: Path, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(database), read_only=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


# --- keys -------------------------------------------------------------------------------------------


def test_a_warehouse_with_the_retired_foreign_keys_still_builds(bank_warehouse: Path, tmp_path: Path) -> None:
    """Warehouses built before 2 December 2026 hold foreign keys from customer-grain marts to an indexed
    dim_customers; DuckDB cannot drop a constraint and will not replace a table one references. The
    on-run-start hook copies such tables without their keys, so rebuilding dim_customers succeeds and
    the referencing mart keeps its rows."""
    database = tmp_path / "upgraded.duckdb"
    shutil.copy(bank_warehouse, database)
    connection = duckdb.connect(str(database))
    try:
        # the tables as the earlier version built them: dim_customers keyed, the mart referencing it
        connection.execute(
            """
            create temporary table customers as select customer_id, segment from marts.dim_customers;
            create temporary table historical as
                select customer_id, profit_since_acquisition from marts.fct_customer_historical_value;
            drop table marts.fct_customer_historical_value;
            drop table marts.dim_customers;
            create table marts.dim_customers (customer_id varchar primary key, segment varchar);
            insert into marts.dim_customers select * from customers;
            create table marts.fct_customer_historical_value (
                customer_id varchar primary key references marts.dim_customers (customer_id),
                profit_since_acquisition decimal(18, 2)
            );
            insert into marts.fct_customer_historical_value select * from historical;
            """
        )
        count = "select count(*) from marts.fct_customer_historical_value"
        rows_before = connection.execute(count).fetchone()
    finally:
        connection.close()
    assert rows_before[0] > 0

    result = run_cli(
        ["build", "--select", "dim_customers", "--vars", "{as_of_date: '2023-12-31'}"], database, check=False
    )

    assert result.returncode == 0, result.stdout[-3000:]
    assert "Dropping the retired foreign key" in result.stdout
    assert _query(database, count) == [rows_before]
    foreign_keys = "select count(*) from duckdb_constraints() where constraint_type = 'FOREIGN KEY'"
    assert _query(database, foreign_keys) == [(0,)]


# --- exports ---------------------------------------------------------------------------------------


def test_export_writes_every_mart_as_parquet_and_csv(bank_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    run_cli(["export", "--out", str(out), "--format", "parquet", "--format", "csv"], bank_warehouse)
    tables = [
        row[0]
        for row in _query(
            bank_warehouse, "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        )
    ]
    assert len(tables) >= 16
    assert sorted(path.stem for path in out.glob("*.parquet")) == tables
    assert sorted(path.stem for path in out.glob("*.csv")) == tables
    connection = duckdb.connect()
    for table in tables:
        expected = _query(bank_warehouse, f"select count(*) from marts.{table}")[0][0]
        assert (
            connection.execute(f"select count(*) from read_parquet('{out}/{table}.parquet')").fetchone()[0]
            == expected
        ), table
        with (out / f"{table}.csv").open() as handle:
            assert sum(1 for _ in csv.reader(handle)) == expected + 1, table
    exported = connection.execute(
        f"select sum(customer_profit) from read_parquet('{out}/fct_customer_profitability.parquet')"
    ).fetchone()[0]
    built = _query(bank_warehouse, "select sum(customer_profit) from marts.fct_customer_profitability")[0][0]
    assert exported == built


def test_export_names_a_missing_table(bank_warehouse: Path, tmp_path: Path) -> None:
    result = run_cli(
        ["export", "--out", str(tmp_path), "--table", "no_such_mart"], bank_warehouse, check=False
    )
    assert result.returncode == 1
    assert "no table no_such_mart" in result.stderr


# --- semantic layer --------------------------------------------------------------------------------


def _mf_query(database: Path, out: Path, metrics: str, group_by: str) -> list[dict]:
    """`mf query` against `database`, reading target/semantic_manifest.json, parsed again here: other tests
    run dbt on their own databases in between, and the manifest names the relations of the last parse."""
    from customer_value.docs_check import parse_manifest

    parse_manifest(PROJECT_DIR, PROJECT_DIR / "target", database=database)
    environment = {
        **os.environ,
        "CUSTOMER_VALUE_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    command = [str(BIN / "mf"), "query", "--metrics", metrics, "--group-by", group_by, "--csv", str(out)]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or not out.exists():
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    with out.open() as handle:
        return list(csv.DictReader(handle))


def _money(value: object) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_mf_query_by_month_equals_direct_sql(
    test_build: Path, project_manifest: dict, tmp_path: Path
) -> None:
    rows = _mf_query(
        test_build,
        tmp_path / "by_month.csv",
        "customer_profit,net_revenue,cost_to_serve,customer_count,customer_equity,retention_equity",
        "metric_time__month",
    )
    by_month = {row["metric_time__month"][:10]: row for row in rows}
    profit = _query(
        test_build,
        "select cast(period_month as varchar), sum(customer_profit), sum(net_revenue), sum(cost_to_serve), "
        "count(distinct case when is_active then customer_id end) "
        "from marts.fct_customer_profitability_monthly group by 1",
    )
    assert len(profit) > 12 and set(by_month) >= {row[0] for row in profit}
    for month, customer_profit, net_revenue, cost_to_serve, customers in profit:
        answer = by_month[month]
        assert _money(answer["customer_profit"]) == customer_profit, month
        assert _money(answer["net_revenue"]) == net_revenue, month
        assert _money(answer["cost_to_serve"]) == cost_to_serve, month
        assert int(answer["customer_count"]) == customers, month
    equity = _query(
        test_build,
        "select cast(period_month as varchar), customer_equity, retention_equity "
        "from marts.fct_customer_equity_monthly where dimension = 'all_customers' "
        "and customer_equity is not null",
    )
    assert equity
    # The comparison discriminates: without the metric's all_customers filter, MetricFlow would add the
    # segment, region and channel rows of each month too.
    every_row = dict(
        _query(
            test_build,
            "select cast(period_month as varchar), sum(customer_equity) "
            "from marts.fct_customer_equity_monthly where customer_equity is not null group by 1",
        )
    )
    assert all(every_row[month] != customer_equity for month, customer_equity, _ in equity if customer_equity)
    for month, customer_equity, retention_equity in equity:
        assert _money(by_month[month]["customer_equity"]) == customer_equity, month
        assert _money(by_month[month]["retention_equity"]) == retention_equity, month


def test_mf_query_by_segment_joins_the_customer_dimension(
    test_build: Path, project_manifest: dict, tmp_path: Path
) -> None:
    rows = _mf_query(test_build, tmp_path / "by_segment.csv", "customer_profit", "customer__segment")
    answer = {row["customer__segment"]: _money(row["customer_profit"]) for row in rows}
    expected = dict(
        _query(
            test_build,
            "select d.segment, sum(m.customer_profit) from marts.fct_customer_profitability_monthly as m "
            "inner join marts.dim_customers as d on m.customer_id = d.customer_id group by 1",
        )
    )
    assert answer == expected


def test_mf_query_by_tier_and_quadrant_joins_the_portfolio_dimensions(
    test_build: Path, project_manifest: dict, tmp_path: Path
) -> None:
    rows = _mf_query(
        test_build, tmp_path / "by_tier.csv", "customer_profit", "customer__tier,customer__quadrant"
    )
    answer = {
        (row["customer__tier"] or None, row["customer__quadrant"] or None): _money(row["customer_profit"])
        for row in rows
    }
    expected = {
        (tier, quadrant): profit
        for tier, quadrant, profit in _query(
            test_build,
            "select p.profit_tier, p.matrix_quadrant, sum(m.customer_profit) "
            "from marts.fct_customer_profitability_monthly as m "
            "inner join marts.dim_customer_portfolio as p on m.customer_id = p.customer_id group by 1, 2",
        )
    }
    # every tier and quadrant of the seeds is present, so the grouping is not trivial
    assert {tier for tier, _ in expected} >= {"platinum", "gold", "bronze", "lead"}
    assert {quadrant for _, quadrant in expected} >= {"protect", "cost_engineer", "build", "danger_zone"}
    assert answer == expected


# --- dashboard -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dashboard_page(test_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    page = tmp_path_factory.mktemp("dashboard") / "dashboard.html"
    run_cli(["dashboard", "--out", str(page), "--top", "10"], test_build)
    return page


@pytest.fixture(scope="module")
def browser() -> tuple[str, str]:
    found = find_browser()
    if found is None:
        pytest.skip(
            "headless Chromium check skipped: chromium and chromedriver are not installed (Debian packages "
            "chromium and chromium-driver; `.ci/install-chromium` installs them where apt-get can)"
        )
    return found


def test_dashboard_is_self_contained(dashboard_page: Path) -> None:
    text = dashboard_page.read_text()
    assert "Chart.js v4" in text, "the charting library must be embedded in the page"
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", text, flags=re.IGNORECASE)
    assert not external, f"the page loads something from the network: {external}"
    charts = set(re.findall(r'data-chart="([a-z-]+)"', text))
    assert {"equity-customers", "equity-value", "whale-curve", "profitability-matrix"} <= charts


def test_every_chart_renders_in_headless_chromium(dashboard_page: Path, browser: tuple[str, str]) -> None:
    charts = set(re.findall(r'data-chart="([a-z-]+)"', dashboard_page.read_text()))
    with headless_chromium(*browser) as client:
        report = inspect_page(client, dashboard_page)
    assert rendering_problems(report, charts) == []
    assert set(report["charts"]) == charts
    assert report["tables"] == 20, "top 10 and bottom 10 customers"


def test_the_browser_check_reports_a_script_error(
    dashboard_page: Path, browser: tuple[str, str], tmp_path: Path
) -> None:
    """The check can fail: a page whose drawing script breaks before the whale curve."""
    text = dashboard_page.read_text()
    assert "if (charts['whale-curve']) {" in text
    broken = tmp_path / "broken.html"
    broken.write_text(
        text.replace("if (charts['whale-curve']) {", "if (charts['whale-curve']) { undefinedCall();")
    )
    charts = set(re.findall(r'data-chart="([a-z-]+)"', text))
    with headless_chromium(*browser) as client:
        problems = rendering_problems(inspect_page(client, broken), charts)
    assert any("undefinedCall" in problem for problem in problems), problems
    assert "chart whale-curve was not created" in problems


def test_dashboard_reads_the_portfolio_marts_when_present(
    test_build: Path, browser: tuple[str, str], tmp_path: Path
) -> None:
    """With the portfolio marts of issue 5 in the build (make test-dbt builds them), the whale curve and
    matrix come from them and the tier and ABC charts appear and render."""
    database = tmp_path / "with_portfolio.duckdb"
    shutil.copy2(test_build, database)
    page = tmp_path / "dashboard.html"
    result = run_cli(["dashboard", "--out", str(page)], database)
    assert "not shown" not in result.stderr
    text = page.read_text()
    assert "from marts.fct_customer_whale_curve" in text
    assert "from marts.fct_customer_profitability_matrix" in text
    charts = set(re.findall(r'data-chart="([a-z-]+)"', text))
    assert {"profit-tiers", "abc-classes", "whale-curve", "profitability-matrix"} <= charts
    with headless_chromium(*browser) as client:
        report = inspect_page(client, page)
    assert rendering_problems(report, charts) == []

"""Print the headline numbers of the latest build. Every number is read from a mart; none is computed here."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table


class SummaryError(RuntimeError):
    """The summary cannot be read; the message says why."""


SUMMARY_QUERY = """
select
    window_start_month,
    window_end_month,
    customer_count,
    total_customer_profit,
    top_customer_share,
    top_customers_profit_share,
    loss_making_customer_share,
    loss_making_customers_profit
from marts.rpt_profitability_summary
"""


def _read_one_row(database: Path, query: str, relation: str) -> dict[str, object]:
    """The one row `query` returns from `relation` as a dict; a SummaryError naming the relation otherwise."""
    if not database.exists():
        raise SummaryError(f"{database}: no such database; run `customer-value build` first.")
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            cursor = connection.execute(query)
            row = cursor.fetchone()
            names = [column[0] for column in cursor.description]
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise SummaryError(f"{database}: cannot read {relation} ({message}).") from None
    if row is None:
        raise SummaryError(f"{database}: {relation} is empty.")
    return dict(zip(names, row, strict=True))


def read_summary(database: Path) -> dict[str, object]:
    """The one row of marts.rpt_profitability_summary as a dict."""
    return _read_one_row(database, SUMMARY_QUERY, "marts.rpt_profitability_summary")


def read_summary_spark(spark) -> dict[str, object]:
    """The one row of marts.rpt_profitability_summary on a local Spark target, as a dict."""
    try:
        rows = spark.sql(SUMMARY_QUERY).collect()
    except Exception as error:  # pyspark raises its own AnalysisException family
        message = str(error).strip().splitlines()[0]
        raise SummaryError(f"cannot read marts.rpt_profitability_summary on Spark ({message}).") from None
    if not rows:
        raise SummaryError("marts.rpt_profitability_summary is empty on Spark.")
    return rows[0].asDict()


def _percent(value: object) -> str:
    return "n/a" if value is None else f"{float(value):.1%}"


def print_summary(
    database: Path | None, console: Console | None = None, summary: dict[str, object] | None = None
) -> dict[str, object]:
    """Print the summary table (read from `database`, or the values given) and return its values."""
    console = console or Console()
    if summary is None:
        if database is None:
            raise SummaryError("no database to read the summary from.")
        summary = read_summary(database)
    start, end = summary["window_start_month"], summary["window_end_month"]
    table = Table(title=f"Customer profitability, {start:%b %Y} to {end:%b %Y}", show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("Customers", f"{summary['customer_count']:,}")
    table.add_row("Total customer profit", f"{summary['total_customer_profit']:,.2f}")
    table.add_row(
        f"Share of profit from the top {_percent(summary['top_customer_share'])} of customers",
        _percent(summary["top_customers_profit_share"]),
    )
    table.add_row("Share of loss-making customers", _percent(summary["loss_making_customer_share"]))
    table.add_row("Profit lost on loss-making customers", f"{summary['loss_making_customers_profit']:,.2f}")
    console.print(table)
    return summary


VALUE_SUMMARY_QUERY = """
select
    valuation_month,
    active_customers,
    customer_equity,
    average_clv,
    prospective_value,
    unprofitable_now_valuable_customers,
    profitable_now_not_valuable_customers
from marts.rpt_customer_value_summary
"""


def read_value_summary(database: Path) -> dict[str, object]:
    """The one row of marts.rpt_customer_value_summary as a dict."""
    return _read_one_row(database, VALUE_SUMMARY_QUERY, "marts.rpt_customer_value_summary")


def _money(value: object) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _measure_table(title: str, rows: list[tuple[str, str]]) -> Table:
    """A two-column table of measure names and right-aligned values, no header."""
    table = Table(title=title, show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for name, value in rows:
        table.add_row(name, value)
    return table


def print_value_summary(database: Path, console: Console | None = None) -> dict[str, object]:
    """Print the customer value table (equity, CLV, the keep-or-drop flags) and return its values."""
    console = console or Console()
    summary = read_value_summary(database)
    rows = [
        ("Active customers", f"{summary['active_customers']:,}"),
        ("Customer equity (CLV of active customers)", _money(summary["customer_equity"])),
        ("Average CLV", _money(summary["average_clv"])),
        ("Prospective value of existing relationships", _money(summary["prospective_value"])),
        ("Unprofitable now, valuable over lifetime", f"{summary['unprofitable_now_valuable_customers']:,}"),
        (
            "Profitable now, not valuable over lifetime",
            f"{summary['profitable_now_not_valuable_customers']:,}",
        ),
    ]
    console.print(_measure_table(f"Customer value, {summary['valuation_month']:%b %Y}", rows))
    return summary

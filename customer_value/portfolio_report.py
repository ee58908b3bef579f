"""Print the portfolio headline of the latest build: the whale curve and the profitability matrix.

Every number is read from a mart (marts.rpt_portfolio_summary, marts.rpt_profitability_matrix); none is
computed here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from customer_value.report import SummaryError, _money, _percent, _read_one_row

PORTFOLIO_QUERY = """
select
    window_start_month,
    window_end_month,
    customer_count,
    peak_cumulative_profit,
    peak_cumulative_profit_share,
    peak_customer_share,
    customer_share_for_total_profit,
    loss_making_customer_share,
    top_customer_share,
    top_customers_profit_share,
    bottom_customer_share,
    bottom_customers_profit_share,
    key_accounts,
    key_accounts_sales_share,
    break_even_customers,
    customers_kept_by_referrals
from marts.rpt_portfolio_summary
"""

MATRIX_QUERY = """
select matrix_quadrant, customer_count, customer_profit, profit_share
from marts.rpt_profitability_matrix
order by quadrant_order
"""


def read_portfolio_summary(database: Path) -> dict[str, object]:
    """The one row of marts.rpt_portfolio_summary as a dict."""
    return _read_one_row(database, PORTFOLIO_QUERY, "marts.rpt_portfolio_summary")


def read_matrix(database: Path) -> list[dict[str, object]]:
    """The rows of marts.rpt_profitability_matrix, one per quadrant, in display order."""
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            cursor = connection.execute(MATRIX_QUERY)
            names = [column[0] for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise SummaryError(f"{database}: cannot read marts.rpt_profitability_matrix ({message}).") from None
    return rows


def print_portfolio_summary(database: Path, console: Console | None = None) -> dict[str, object]:
    """Print the whale-curve headline and the matrix counts; return the headline's values."""
    console = console or Console()
    summary = read_portfolio_summary(database)
    matrix = read_matrix(database)
    start, end = summary["window_start_month"], summary["window_end_month"]
    headline = Table(title=f"Customer portfolio, {start:%b %Y} to {end:%b %Y}", show_header=False)
    headline.add_column("measure")
    headline.add_column("value", justify="right")
    headline.add_row(
        "Whale curve peak: cumulative profit (share of total)",
        f"{_money(summary['peak_cumulative_profit'])} ({_percent(summary['peak_cumulative_profit_share'])})",
    )
    headline.add_row("  reached at this share of customers", _percent(summary["peak_customer_share"]))
    headline.add_row(
        "Customers producing 100% of profit", _percent(summary["customer_share_for_total_profit"])
    )
    headline.add_row("Loss-making customers", _percent(summary["loss_making_customer_share"]))
    headline.add_row(
        f"Profit earned by the top {_percent(summary['top_customer_share'])}",
        _percent(summary["top_customers_profit_share"]),
    )
    headline.add_row(
        f"Profit earned by the bottom {_percent(summary['bottom_customer_share'])}",
        _percent(summary["bottom_customers_profit_share"]),
    )
    headline.add_row(
        "Key accounts (their share of sales)",
        f"{summary['key_accounts']:,} ({_percent(summary['key_accounts_sales_share'])})",
    )
    headline.add_row(
        "At break-even (kept by their referrals)",
        f"{summary['break_even_customers']:,} ({summary['customers_kept_by_referrals']:,})",
    )
    console.print(headline)
    table = Table(title="Profitability matrix (Christopher & Peck)")
    table.add_column("quadrant")
    table.add_column("customers", justify="right")
    table.add_column("profit", justify="right")
    table.add_column("share of profit", justify="right")
    for row in matrix:
        table.add_row(
            str(row["matrix_quadrant"]).replace("_", " "),
            f"{row['customer_count']:,}",
            _money(row["customer_profit"]),
            _percent(row["profit_share"]),
        )
    console.print(table)
    return {**summary, "matrix": matrix}

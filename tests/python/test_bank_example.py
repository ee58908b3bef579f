"""DOMAIN.md's worked bank example, end to end: raw files -> load -> dbt build -> marts.

The raw data holds only what the example states: two customers with deposits of $1,500 and $15,000
through 2023, a statement and a branch visit every month and a call every second month, and one
employee per team whose cost makes every team cost $1 a minute (statement 1 minute, call 2, visit 3).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
from conftest import run_cli


def _query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_customer_a_loses_7_50_and_customer_b_earns_465(bank_warehouse: Path) -> None:
    rows = dict(
        _query(bank_warehouse, "select customer_id, customer_profit from marts.fct_customer_profitability")
    )
    assert rows == {"BANK-A": Decimal("-7.50"), "BANK-B": Decimal("465.00")}


def test_income_is_deposit_times_3_5_percent_and_cost_is_60(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select customer_id, net_revenue, float_income, cost_to_serve, activity_count, months_in_window "
        "from marts.fct_customer_profitability order by customer_id",
    )
    assert rows == [
        ("BANK-A", Decimal("52.50"), Decimal("52.50"), Decimal("60.00"), 30, 12),
        ("BANK-B", Decimal("525.00"), Decimal("525.00"), Decimal("60.00"), 30, 12),
    ]


def test_activity_costs_are_1_2_and_3_dollars(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select activity_type, min(activity_cost), max(activity_cost), count(*) "
        "from intermediate.int_activities_costed group by 1 order by 1",
    )
    assert rows == [
        ("branch_visit", Decimal("3.00"), Decimal("3.00"), 24),
        ("call", Decimal("2.00"), Decimal("2.00"), 12),
        ("statement", Decimal("1.00"), Decimal("1.00"), 24),
    ]


def test_idle_capacity_stays_with_the_business(bank_warehouse: Path) -> None:
    # Each team supplies $7,680 of capacity a month; customers are charged only for the minutes used.
    rows = _query(
        bank_warehouse,
        "select sum(capacity_cost), sum(used_capacity_cost), sum(unused_capacity_cost) "
        "from marts.rpt_unused_capacity_monthly",
    )
    capacity, used, unused = rows[0]
    assert used == Decimal("120.00")  # 2 customers x $60
    assert capacity == Decimal("7680.00") * 3 * 12
    assert used + unused == capacity


def test_summary_reports_one_loss_maker_of_two(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select customer_count, total_customer_profit, loss_making_customer_share "
        "from marts.rpt_profitability_summary",
    )
    assert rows == [(2, Decimal("457.50"), 0.5)]


def test_historical_value_is_the_year_of_the_worked_example(bank_warehouse: Path) -> None:
    # Both customers were won on 1 January 2023 and valued at December 2023: their relationship is the
    # year of the example, so profit since acquisition and over the last year are -7.50 and 465.00, and
    # the plain monthly average is that over 12 months (-0.625 and 38.75, rounded to the cent).
    rows = _query(
        bank_warehouse,
        "select customer_id, profit_since_acquisition, profit_last_year, average_monthly_profit, "
        "months_of_history from marts.fct_customer_historical_value order by customer_id",
    )
    assert rows == [
        ("BANK-A", Decimal("-7.50"), Decimal("-7.50"), Decimal("-0.63"), 12),
        ("BANK-B", Decimal("465.00"), Decimal("465.00"), Decimal("38.75"), 12),
    ]


def test_summary_prints_profitability_and_customer_value(bank_warehouse: Path) -> None:
    output = run_cli(["summary"], bank_warehouse).stdout
    assert "Customer profitability, Jan 2023 to Dec 2023" in output
    assert "Customer value, Dec 2023" in output

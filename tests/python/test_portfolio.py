"""The portfolio views on DOMAIN.md's bank example, end to end (issue 5).

Customer B earns 465.00 and customer A loses 7.50: total profit 457.50. The whale curve goes up to
465 / 457.50 = 101.6% with B (half the customers) and back to exactly 100% with A.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from conftest import run_cli


def _query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_whale_curve_of_the_bank(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select customer_id, profit_rank, cumulative_profit, cumulative_customer_share, "
        "cumulative_profit_share from marts.fct_customer_whale_curve order by profit_rank",
    )
    assert rows[0][:4] == ("BANK-B", 1, Decimal("465.00"), 0.5)
    assert rows[0][4] == pytest.approx(465 / 457.5)
    assert rows[1] == ("BANK-A", 2, Decimal("457.50"), 1.0, 1.0)


def test_portfolio_headline_of_the_bank(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select peak_cumulative_profit, peak_customer_share, customer_share_for_total_profit, "
        "loss_making_customer_share, key_accounts from marts.rpt_portfolio_summary",
    )
    # The bank sells nothing (deposits only): no share of sales, so no key account.
    assert rows == [(Decimal("465.00"), 0.5, 0.5, 0.5, 0)]


def test_every_bank_customer_has_one_quadrant_class_and_stage(bank_warehouse: Path) -> None:
    rows = _query(
        bank_warehouse,
        "select m.customer_id, m.matrix_quadrant, s.abc_class, l.lifecycle_stage "
        "from marts.fct_customer_profitability_matrix as m "
        "inner join marts.fct_customer_abc_scores as s on m.customer_id = s.customer_id "
        "inner join marts.fct_customer_lifecycle_stage as l on m.customer_id = l.customer_id "
        "order by 1",
    )
    assert [row[0] for row in rows] == ["BANK-A", "BANK-B"]
    # No sales and the same cost to serve (60.00): both at the medians, so both low/low = build.
    assert [row[1] for row in rows] == ["build", "build"]
    assert all(row[2] in {"A", "B", "C"} and row[3] for row in rows)


def test_summary_prints_the_portfolio(bank_warehouse: Path) -> None:
    output = run_cli(["summary"], bank_warehouse).stdout
    assert "Customer portfolio, Jan 2023 to Dec 2023" in output
    assert "Profitability matrix" in output

"""Print the fitted lifetime-value models of the latest build. Every number is read from a mart."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from customer_value.report import SummaryError

PARAMETERS_QUERY = """
select model_name, customers, r, alpha, a, b, p, q, gamma, log_likelihood, is_converged,
       time_unit, calibration_start_date, calibration_end_date
from marts.clv_model_parameters
"""

TOTALS_QUERY = """
select count(*) as customers, avg(probability_alive) as probability_alive,
       sum(expected_purchases_clv_horizon) as expected_purchases, max(clv_horizon_months) as months,
       sum(predicted_clv) as predicted_clv
from marts.fct_customer_clv_predictions
"""


def _rows(connection: duckdb.DuckDBPyConnection, query: str) -> list[dict[str, object]]:
    cursor = connection.execute(query)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def read_clv(database: Path) -> tuple[dict[str, dict[str, object]], dict[str, object]]:
    """The rows of marts.clv_model_parameters by model name, and the totals of the predictions."""
    if not database.exists():
        raise SummaryError(f"{database}: no such database; run `customer-value build` first.")
    try:
        with duckdb.connect(str(database), read_only=True) as connection:
            models = {row["model_name"]: row for row in _rows(connection, PARAMETERS_QUERY)}
            totals = _rows(connection, TOTALS_QUERY)[0]
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise SummaryError(f"{database}: cannot read the lifetime-value marts ({message}).") from None
    if set(models) != {"bgnbd", "gamma_gamma"}:
        raise SummaryError(f"{database}: marts.clv_model_parameters lacks a fitted model.")
    return models, totals


def _number(value: object, digits: int = 4) -> str:
    return "n/a" if value is None else f"{float(value):,.{digits}f}"


def print_clv_summary(database: Path, console: Console | None = None) -> dict[str, object]:
    """Print the fitted parameters and the predicted customer lifetime value; return the totals."""
    console = console or Console()
    models, totals = read_clv(database)
    purchases, spend = models["bgnbd"], models["gamma_gamma"]
    title = (
        f"Lifetime value (BG/NBD + Gamma-Gamma), calibration {purchases['calibration_start_date']} "
        f"to {purchases['calibration_end_date']}, time unit {purchases['time_unit']}"
    )
    table = Table(title=title, show_header=False)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row(
        "BG/NBD r, alpha, a, b",
        ", ".join(_number(purchases[name]) for name in ("r", "alpha", "a", "b")),
    )
    table.add_row(
        f"  log-likelihood, customers{'' if purchases['is_converged'] else ' (NOT CONVERGED)'}",
        f"{_number(purchases['log_likelihood'], 2)}, {purchases['customers']:,}",
    )
    table.add_row("Gamma-Gamma p, q, gamma", ", ".join(_number(spend[name]) for name in ("p", "q", "gamma")))
    table.add_row(
        f"  log-likelihood, repeat buyers{'' if spend['is_converged'] else ' (NOT CONVERGED)'}",
        f"{_number(spend['log_likelihood'], 2)}, {spend['customers']:,}",
    )
    table.add_row("Average probability alive", _number(totals["probability_alive"], 3))
    table.add_row(
        f"Expected purchases, next {totals['months']} months", _number(totals["expected_purchases"], 1)
    )
    table.add_row(f"Predicted CLV, next {totals['months']} months", _number(totals["predicted_clv"], 2))
    console.print(table)
    return totals

"""The DuckDB/Spark parity check: it must fail on a cent, on a missing row, on a double beyond tolerance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from customer_value.parity import (
    DEFAULT_TOLERANCE,
    Column,
    column_tolerances,
    compare_rows,
    neutral_type,
)

COLUMNS = [
    Column("customer_id", "string"),
    Column("period_month", "date"),
    Column("customer_profit", "decimal(18,2)"),
    Column("profit_share", "double"),
]

ROWS = [
    ("C1", date(2024, 1, 1), Decimal("-7.50"), -0.0163),
    ("C2", date(2024, 1, 1), Decimal("465.00"), 1.0163),
    ("C3", date(2024, 1, 1), None, None),
]


def test_same_rows_in_another_order_agree() -> None:
    assert compare_rows("fct", COLUMNS, ROWS, list(reversed(ROWS))) == []


def test_one_cent_is_a_difference_naming_table_column_and_both_values() -> None:
    spark = [ROWS[0], ("C2", date(2024, 1, 1), Decimal("465.01"), 1.0163), ROWS[2]]
    problems = compare_rows("fct", COLUMNS, ROWS, spark)
    assert problems == [
        "fct, row 2 in sorted order: customer_profit Decimal('465.00') on DuckDB, Decimal('465.01') on Spark"
    ]


def test_decimals_equal_in_value_agree_whatever_their_scale() -> None:
    spark = [(*ROWS[0][:2], Decimal("-7.5"), ROWS[0][3]), *ROWS[1:]]
    assert compare_rows("fct", COLUMNS, ROWS, spark) == []


def test_a_missing_row_is_reported() -> None:
    problems = compare_rows("fct", COLUMNS, ROWS, ROWS[:2])
    assert problems[0] == "fct: 3 rows on DuckDB, 2 on Spark"


def test_null_against_zero_is_a_difference() -> None:
    spark = [*ROWS[:2], ("C3", date(2024, 1, 1), Decimal("0.00"), None)]
    assert compare_rows("fct", COLUMNS, ROWS, spark) != []


def test_doubles_agree_within_the_tolerance_and_not_beyond() -> None:
    # 1.0163 x (1 + 1e-12) is the kind of last-digit noise a different summation order gives.
    noisy = [*ROWS[:1], ("C2", date(2024, 1, 1), Decimal("465.00"), 1.0163 * (1 + 1e-12)), ROWS[2]]
    assert compare_rows("fct", COLUMNS, ROWS, noisy) == []
    off = [*ROWS[:1], ("C2", date(2024, 1, 1), Decimal("465.00"), 1.0163 * (1 + 1e-6)), ROWS[2]]
    assert compare_rows("fct", COLUMNS, ROWS, off) != []
    # a column that states its own tolerance (a fitted parameter, say) accepts that much
    loose = {("fct", "profit_share"): 1e-4}
    assert compare_rows("fct", COLUMNS, ROWS, off, loose) == []
    assert DEFAULT_TOLERANCE < 1e-6


def test_a_date_against_a_timestamp_is_a_difference() -> None:
    from datetime import datetime

    spark = [("C1", datetime(2024, 1, 1), Decimal("-7.50"), -0.0163), *ROWS[1:]]
    assert compare_rows("fct", COLUMNS, ROWS, spark) != []


def test_type_names_of_both_engines_map_to_one_vocabulary() -> None:
    assert neutral_type("VARCHAR") == neutral_type("string") == "string"
    assert neutral_type("DECIMAL(18,2)") == neutral_type("decimal(18,2)") == "decimal(18,2)"
    assert neutral_type("INTEGER") == neutral_type("int") == "integer"
    assert neutral_type("DOUBLE") == neutral_type("double")
    assert neutral_type("TIMESTAMP") == neutral_type("timestamp_ntz") == "timestamp"
    assert neutral_type("DECIMAL(18,2)") != neutral_type("DECIMAL(18,8)")


def test_column_tolerances_are_read_from_model_yaml(tmp_path) -> None:
    folder = tmp_path / "models" / "marts"
    folder.mkdir(parents=True)
    (folder / "_m.yml").write_text(
        "models:\n"
        "  - name: fct_fit\n"
        "    columns:\n"
        "      - name: alpha\n"
        "        config: {meta: {parity_tolerance: 0.0001}}\n"
        "      - name: beta\n"
    )
    assert column_tolerances(tmp_path) == {("fct_fit", "alpha"): 0.0001}

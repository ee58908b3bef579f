"""A clean generated data set with each class of bad input written into it (issue 10).

`write_bad_dataset(out_dir, customers, seed)` generates the demo data set, rewrites every raw table as a
CSV file (all text, so that values that do not parse can be written at all) and adds, per class of bad
input, a few rows whose key starts with `BAD-<class>`, each of which must end up in
quality.rpt_rejected_rows with the class's reason code and nowhere in staging. BAD_INPUT_CLASSES lists
the classes, the table they are written into and the expected reason; the README's table of bad input
is the same list.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from customer_value.contract import raw_tables

Row = dict[str, str]


@dataclass(frozen=True)
class BadInputClass:
    name: str
    table: str
    reason: str
    description: str
    # rows to add, from the clean rows of the data set; each gets a key starting with BAD-<name>
    make: Callable[[dict[str, list[Row]]], list[Row]]
    # rows of the clean data set that the class turns bad as well (a conflicting copy: both copies)
    original_keys: Callable[[dict[str, list[Row]]], list[str]] = lambda tables: []


def _key(name: str, number: int = 1) -> str:
    return f"BAD-{name}-{number}"


def _sale(tables: dict[str, list[Row]]) -> Row:
    """A clean sale line with a product, in the reporting currency, to copy and spoil."""
    for row in tables["order_lines"]:
        if row["line_type"] == "sale" and row["product_id"] and row["currency_code"] in ("", "USD"):
            return row
    raise ValueError("the clean data set has no sale line in USD")


def _line(tables: dict[str, list[Row]], name: str, **changes: str) -> list[Row]:
    row = {**_sale(tables), "order_line_id": _key(name), **changes}
    return [row]


def _activity(tables: dict[str, list[Row]], name: str, **changes: str) -> list[Row]:
    return [{**tables["activities"][0], "activity_id": _key(name), **changes}]


def _signup(tables: dict[str, list[Row]], customer_id: str) -> date:
    for row in tables["customers"]:
        if row["customer_id"] == customer_id:
            return date.fromisoformat(row["signup_date"][:10])
    raise KeyError(customer_id)


def _before_customer(tables: dict[str, list[Row]]) -> list[Row]:
    sale = _sale(tables)
    day = _signup(tables, sale["customer_id"]) - timedelta(days=1)
    return [{**sale, "order_line_id": _key("before_customer"), "ordered_at": f"{day.isoformat()} 10:00:00"}]


def _conflicting_copy(tables: dict[str, list[Row]]) -> list[Row]:
    sale = _sale(tables)
    return [{**sale, "quantity": str(int(sale["quantity"]) + 5)}]


def _overpayment(tables: dict[str, list[Row]]) -> list[Row]:
    invoice = tables["invoices"][0]
    amount = f"{float(invoice['amount']) + 1000:.2f}"
    return [
        {
            "payment_id": _key("overpayment"),
            "invoice_id": invoice["invoice_id"],
            "customer_id": invoice["customer_id"],
            "paid_date": invoice["issued_date"][:10],
            "amount": amount,
        }
    ]


def _missing_value(tables: dict[str, list[Row]]) -> list[Row]:
    return [{**tables["customers"][0], "customer_id": _key("missing_value"), "segment": ""}]


BAD_INPUT_CLASSES: tuple[BadInputClass, ...] = (
    BadInputClass(
        "unparseable_date",
        "order_lines",
        "unparseable_value",
        "a date or timestamp that does not parse (31/02/2026)",
        lambda t: _line(t, "unparseable_date", ordered_at="31/02/2026 10:00"),
    ),
    BadInputClass(
        "unparseable_number",
        "order_lines",
        "unparseable_value",
        "a number that does not parse (12,50)",
        lambda t: _line(t, "unparseable_number", unit_price="12,50"),
    ),
    BadInputClass(
        "missing_key",
        "activities",
        "missing_key",
        "a row without its key (empty activity_id)",
        lambda t: [{**t["activities"][0], "activity_id": "", "channel": "BAD-missing_key-1"}],
    ),
    BadInputClass(
        "missing_value",
        "customers",
        "missing_value",
        "a required column empty (a customer without segment)",
        _missing_value,
    ),
    BadInputClass(
        "conflicting_duplicate",
        "order_lines",
        "conflicting_duplicate",
        "the same key twice with different values (an order line re-delivered with another quantity)",
        _conflicting_copy,
        original_keys=lambda t: [_sale(t)["order_line_id"]],
    ),
    BadInputClass(
        "negative_quantity",
        "order_lines",
        "negative_quantity",
        "a sale with a negative quantity (returns and credit notes may be negative)",
        lambda t: _line(t, "negative_quantity", quantity="-3"),
    ),
    BadInputClass(
        "unknown_line_type",
        "order_lines",
        "unknown_line_type",
        "an order line type other than sale, return, credit_note",
        lambda t: _line(t, "unknown_line_type", line_type="gift"),
    ),
    BadInputClass(
        "unknown_customer",
        "order_lines",
        "unknown_customer",
        "a transaction of a customer not in the customer table",
        lambda t: _line(t, "unknown_customer", customer_id="NO-SUCH-CUSTOMER"),
    ),
    BadInputClass(
        "unknown_product",
        "order_lines",
        "unknown_product",
        "a sale of a product not in the product table",
        lambda t: _line(t, "unknown_product", product_id="NO-SUCH-PRODUCT"),
    ),
    BadInputClass(
        "unknown_currency",
        "order_lines",
        "unknown_currency",
        "an amount in a currency seeds/exchange_rates.csv does not know (XYZ)",
        lambda t: _line(t, "unknown_currency", currency_code="XYZ"),
    ),
    BadInputClass(
        "future_date",
        "order_lines",
        "future_date",
        "a date after the load (2099)",
        lambda t: _line(t, "future_date", ordered_at="2099-01-01 10:00:00"),
    ),
    BadInputClass(
        "before_customer",
        "order_lines",
        "before_customer",
        "a transaction dated before the customer's acquisition",
        _before_customer,
    ),
    BadInputClass(
        "unknown_activity_type",
        "activities",
        "unknown_activity_type",
        "an activity type not in seeds/activity_types.csv",
        lambda t: _activity(t, "unknown_activity_type", activity_type="telepathy"),
    ),
    BadInputClass(
        "unknown_resource",
        "activities",
        "unknown_resource",
        "a resource not in seeds/resources.csv",
        lambda t: _activity(t, "unknown_resource", resource_id="moon_base"),
    ),
    BadInputClass(
        "overpayment",
        "payments",
        "overpayment",
        "a payment larger than its invoice",
        _overpayment,
    ),
)


# Not bad rows but a case that must not divide by zero: every employee of one resource (a team with
# activities) works 0 FTE, so the resource has no capacity and its activities no rate.
ZERO_CAPACITY = "zero_capacity_resource"


def _zero_capacity(tables: dict[str, list[Row]]) -> str:
    staffed = {row["resource_id"] for row in tables["employees"] if row["resource_id"]}
    used = [row["resource_id"] for row in tables["activities"] if row["resource_id"] in staffed]
    resource = sorted(set(used))[0]
    for row in tables["employees"]:
        if row["resource_id"] == resource:
            row["fte"] = "0"
    return resource


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _read_clean(directory: Path, name: str) -> list[Row]:
    path = directory / f"{name}.parquet"
    pattern = str(path) if path.is_file() else str(directory / name / "*.parquet")
    if not path.is_file() and not (directory / name).is_dir():
        return []
    with duckdb.connect() as connection:
        result = connection.execute(f"select * from read_parquet('{pattern}')")
        columns = [d[0] for d in result.description]
        return [{c: _text(v) for c, v in zip(columns, row, strict=True)} for row in result.fetchall()]


def write_bad_dataset(out_dir: Path, customers: int = 150, seed: int = 11) -> dict[str, list[str]]:
    """Write a generated data set with every class of bad input into `out_dir` as CSV files.

    Returns, per class, the keys of the rows that must be rejected with the class's reason."""
    from customer_value.generate import generate_dataset

    out_dir = Path(out_dir)
    clean = out_dir.parent / f"{out_dir.name}-clean"
    generate_dataset(clean, customers=customers, seed=seed, show_progress=False)
    tables = {name: _read_clean(clean, name) for name in raw_tables()}
    expected: dict[str, list[str]] = {}
    added: dict[str, list[Row]] = {name: [] for name in tables}
    for bad in BAD_INPUT_CLASSES:
        rows = bad.make(tables)
        added[bad.table].extend(rows)
        key_column = raw_tables()[bad.table].primary_key[0]
        keys = [row[key_column] for row in rows] + bad.original_keys(tables)
        expected[bad.name] = keys
    expected[ZERO_CAPACITY] = [_zero_capacity(tables)]
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in raw_tables().items():
        columns = [c.name for c in table.columns]
        with (out_dir / f"{name}.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in tables[name] + added[name]:
                writer.writerow({c: row.get(c, "") for c in columns})
    return expected

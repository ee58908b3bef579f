"""Daily deliveries of a generated data set, to simulate a pipeline that runs on a schedule (issue 6).

A generated data set is the final state of the source systems on its end date. This module replays
how the rows would have arrived, one delivery per day:

* every row has an *arrival day*: the day of its event (order, activity, invoice, payment, survey,
  incentive, signup, contract start, hire), the last day of the month for monthly figures (balances,
  marketing spend), before the history for the product catalogue;
* `LATE_SHARE` of the order lines and activities arrive 1 to `MAX_LATE_DAYS` days late;
* `CORRECTION_SHARE` of them are first delivered with a wrong value (an order line's unit price 10%
  too high, an activity's logged minutes 5 too many, or minutes logged where the standard time
  applies) and delivered again, correct, 1 to `MAX_LATE_DAYS` days later, with the same key;
* an employee arrives on the hire date without the leaving date and again, with it, on the leaving date.

`write_snapshot(cutoff)` writes what had arrived by the end of the cutoff day (each row in its latest
version), `write_increment(day)` what arrived on that day. A snapshot plus the increments of the days
after it, loaded with `customer-value load --append` (which replaces rows by primary key), gives the
raw data of the snapshot at the last day. Which rows are late or corrected depends only on the seed
and the row's key, so a re-delivered duplicate row is treated like its original.

Late rows arrive at most MAX_LATE_DAYS days late, well inside the default incremental lookback of
one month; a row later than the lookback is what `rpt_late_rows_outside_lookback` reports.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from customer_value.contract import raw_tables
from customer_value.generate.writer import arrow_schema

LATE_SHARE = 0.03
CORRECTION_SHARE = 0.01
MAX_LATE_DAYS = 5
# Salts of the per-key draws (lateness, delay, correction, correction delay).
_LATE, _DELAY, _CORRECT, _CORRECT_DELAY = 1, 2, 3, 4

# Column holding the day a row's event happened, per table; `month_end`: arrives on the month's last day.
EVENT_DAY = {
    "order_lines": ("ordered_at", "day"),
    "activities": ("activity_at", "day"),
    "invoices": ("issued_date", "day"),
    "payments": ("paid_date", "day"),
    "surveys": ("surveyed_date", "day"),
    "customer_incentives": ("incentive_date", "day"),
    "customers": ("signup_date", "day"),
    "contracts": ("start_date", "day"),
    "employees": ("hired_date", "day"),
    "customer_balances": ("balance_month", "month_end"),
    "marketing_spend": ("spend_month", "month_end"),
}
# Tables whose rows may arrive late or be corrected, with their key column.
LATE_TABLES = {"order_lines": "order_line_id", "activities": "activity_id"}
BEFORE_HISTORY = np.datetime64("1900-01-01", "D")


@dataclass(frozen=True)
class Versions:
    """The versions of one table's rows: each version's rows and the day it arrives."""

    tables: tuple[pa.Table, ...]
    arrivals: tuple[np.ndarray, ...]  # datetime64[D] per row of the matching table
    superseded: tuple[np.ndarray, ...]  # day the next version replaces it (NaT: never)


def _key_numbers(keys: pa.Array) -> np.ndarray:
    """The digits of each key as an integer (keys are a letter and a zero-padded number)."""
    digits = pc.replace_substring_regex(keys, pattern="[^0-9]", replacement="")
    return np.asarray(pc.cast(digits, pa.int64()).to_numpy(zero_copy_only=False), dtype=np.uint64)


def _unit(numbers: np.ndarray, seed: int, salt: int) -> np.ndarray:
    """A uniform draw in [0, 1) per key number, the same for the same (seed, salt, number):
    splitmix64 of the number mixed with the seed and the salt."""
    with np.errstate(over="ignore"):
        z = numbers + np.uint64((seed * 1_000_003 + salt * 7_919) & 0xFFFFFFFFFFFFFFFF) * np.uint64(
            0x9E3779B97F4A7C15
        )
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(1 << 53)


def _days(column: pa.ChunkedArray) -> np.ndarray:
    return pc.cast(column, pa.date32()).to_numpy(zero_copy_only=False).astype("datetime64[D]")


def _month_ends(days: np.ndarray) -> np.ndarray:
    months = days.astype("datetime64[M]")
    return (months + 1).astype("datetime64[D]") - 1


def _wrong_version(name: str, table: pa.Table) -> pa.Table:
    """The rows as first delivered, before their correction."""
    if name == "order_lines":
        price = table["unit_price"]
        wrong = pc.cast(pc.round(pc.multiply(pc.cast(price, pa.float64()), 1.1), 2), price.type)
        return table.set_column(table.schema.get_field_index("unit_price"), "unit_price", wrong)
    minutes = table["duration_minutes"]
    wrong = pc.cast(
        pc.if_else(pc.is_null(minutes), 1.0, pc.add(pc.cast(minutes, pa.float64()), 5.0)), minutes.type
    )
    return table.set_column(table.schema.get_field_index("duration_minutes"), "duration_minutes", wrong)


def versions(name: str, table: pa.Table, seed: int) -> Versions:
    """Every version of a table's rows with the day each arrives and the day it is superseded."""
    never = np.full(table.num_rows, np.datetime64("NaT"), dtype="datetime64[D]")
    if name not in EVENT_DAY:
        return Versions((table,), (np.full(table.num_rows, BEFORE_HISTORY),), (never,))
    column, rule = EVENT_DAY[name]
    event = _days(table[column])
    if rule == "month_end":
        event = _month_ends(event)
    if name == "employees":
        left = _days(table["left_date"])
        has_left = ~np.isnat(left)
        before_leaving = ~has_left | (left > event)
        hired = table.filter(pa.array(before_leaving))
        hired = hired.set_column(
            hired.schema.get_field_index("left_date"),
            "left_date",
            pa.nulls(hired.num_rows, hired.schema.field("left_date").type),
        )
        return Versions(
            (hired, table.filter(pa.array(has_left))),
            (event[before_leaving], left[has_left]),
            (left[before_leaving], never[has_left]),
        )
    if name not in LATE_TABLES:
        return Versions((table,), (event,), (never,))
    numbers = _key_numbers(table[LATE_TABLES[name]].combine_chunks())
    late = _unit(numbers, seed, _LATE) < LATE_SHARE
    delay = 1 + np.floor(_unit(numbers, seed, _DELAY) * MAX_LATE_DAYS).astype(np.int64)
    arrival = event + np.where(late, delay, 0).astype("timedelta64[D]")
    corrected = _unit(numbers, seed, _CORRECT) < CORRECTION_SHARE
    correction_day = arrival + (
        1 + np.floor(_unit(numbers, seed, _CORRECT_DELAY) * MAX_LATE_DAYS).astype(np.int64)
    ).astype("timedelta64[D]")
    mask = pa.array(corrected)
    first = pa.concat_tables([table.filter(pc.invert(mask)), _wrong_version(name, table.filter(mask))])
    first_arrival = np.concatenate([arrival[~corrected], arrival[corrected]])
    first_superseded = np.concatenate([never[~corrected], correction_day[corrected]])
    return Versions(
        (first, table.filter(mask)),
        (first_arrival, correction_day[corrected]),
        (first_superseded, never[corrected]),
    )


def _read(directory: Path, name: str) -> pa.Table:
    folder = directory / name
    if folder.is_dir():
        parts = sorted(folder.glob("*.parquet"))
        tables = [pq.read_table(part) for part in parts]
        schema = arrow_schema(raw_tables()[name])
        return pa.concat_tables([t.cast(schema) for t in tables]) if tables else schema.empty_table()
    return pq.read_table(directory / f"{name}.parquet")


def _select(name: str, table: pa.Table, seed: int, keep) -> pa.Table:
    """The rows of the versions for which keep(arrival, superseded) holds, in version order."""
    found = versions(name, table, seed)
    kept = [
        version.filter(pa.array(keep(arrival, superseded)))
        for version, arrival, superseded in zip(found.tables, found.arrivals, found.superseded, strict=True)
    ]
    return pa.concat_tables(kept)


def _clear(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in raw_tables():
        single = out_dir / f"{name}.parquet"
        if single.is_file():
            single.unlink()
        folder = out_dir / name
        if folder.is_dir():
            for part in folder.glob("*"):
                part.unlink()
            folder.rmdir()


def write_snapshot(full_dir: Path, out_dir: Path, cutoff: date, seed: int) -> dict[str, int]:
    """Write what had arrived by the end of `cutoff`, each row in its version of that day."""
    day = np.datetime64(cutoff.isoformat(), "D")
    _clear(out_dir)
    counts = {}
    for name in raw_tables():
        table = _select(
            name,
            _read(full_dir, name),
            seed,
            lambda arrival, superseded: (arrival <= day) & (np.isnat(superseded) | (superseded > day)),
        )
        pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd")
        counts[name] = table.num_rows
    return counts


def write_increment(full_dir: Path, out_dir: Path, day_date: date, seed: int) -> dict[str, int]:
    """Write the rows that arrived on `day_date` (new, late and corrected rows); tables with none are
    left out of the delivery."""
    day = np.datetime64(day_date.isoformat(), "D")
    _clear(out_dir)
    counts = {}
    for name in raw_tables():
        table = _select(name, _read(full_dir, name), seed, lambda arrival, superseded: arrival == day)
        if table.num_rows:
            pq.write_table(table, out_dir / f"{name}.parquet", compression="zstd")
            counts[name] = table.num_rows
    return counts


def generate_delivery(
    out_dir: Path,
    customers: int,
    seed: int,
    end_date: date,
    months: int,
    cutoff: date | None = None,
    increment: date | None = None,
) -> dict[str, int]:
    """Generate the data set (in a temporary folder) and write the snapshot at `cutoff` or the delivery
    of day `increment` into `out_dir`."""
    from customer_value.generate import generate_dataset

    if (cutoff is None) == (increment is None):
        raise ValueError("give a cutoff day or an increment day")
    day = cutoff or increment
    if day > end_date:
        raise ValueError(f"{day} is after the end of the generated history ({end_date}); raise --end-date.")
    with tempfile.TemporaryDirectory(prefix="cv-generate-") as temporary:
        full_dir = Path(temporary)
        generate_dataset(full_dir, customers, seed, end_date, months, show_progress=False)
        start = summary_start(full_dir)
        if start is not None and day < start:
            raise ValueError(f"{day} is before the generated history starts ({start}).")
        if cutoff is not None:
            return write_snapshot(full_dir, out_dir, cutoff, seed)
        return write_increment(full_dir, out_dir, increment, seed)


def summary_start(full_dir: Path) -> date | None:
    import json

    truth = full_dir / "truth.json"
    if not truth.is_file():
        return None
    return date.fromisoformat(json.loads(truth.read_text())["window"]["start_date"])


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]

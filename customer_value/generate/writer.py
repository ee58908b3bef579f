"""Parquet output that follows the raw-data contract: column names, order and castable Arrow types."""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from customer_value.contract import RawTable, raw_tables

# Tables written as a folder of parts, one part per chunk of customers, so memory stays bounded.
PARTITIONED = ("order_lines", "activities", "invoices", "payments", "customer_balances")
TRUTH_DIR = "truth"
TRUTH_FILE = "truth.json"

_DECIMAL = re.compile(r"^decimal\((\d+),\s*(\d+)\)$")
_SIMPLE = {
    "string": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
}


def arrow_type(declared: str) -> pa.DataType:
    text = declared.strip().lower()
    if text in _SIMPLE:
        return _SIMPLE[text]
    match = _DECIMAL.match(text)
    if match:
        return pa.decimal128(int(match.group(1)), int(match.group(2)))
    raise ValueError(f"no Arrow type for declared type {declared!r}")


def arrow_schema(table: RawTable) -> pa.Schema:
    return pa.schema([pa.field(c.name, arrow_type(c.data_type), nullable=True) for c in table.columns])


def to_table(name: str, columns: Mapping[str, pa.Array]) -> pa.Table:
    """An Arrow table in the contract's column order; every column must be given, none extra."""
    table = raw_tables()[name]
    expected = [c.name for c in table.columns]
    if set(columns) != set(expected):
        missing = sorted(set(expected) - set(columns))
        extra = sorted(set(columns) - set(expected))
        raise ValueError(f"raw.{name}: missing columns {missing}, unexpected columns {extra}")
    schema = arrow_schema(table)
    arrays = []
    for field in schema:
        array = columns[field.name]
        if array.type != field.type:
            array = array.cast(field.type)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


def empty_table(name: str) -> pa.Table:
    return arrow_schema(raw_tables()[name]).empty_table()


def _write(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd", row_group_size=1 << 20)


class DatasetWriter:
    """Writes one file per table, or numbered part files for the partitioned tables."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.rows: dict[str, int] = {name: 0 for name in raw_tables()}

    def clear(self) -> None:
        """Remove everything an earlier run (or another layout of the same tables) left behind."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name in raw_tables():
            single = self.out_dir / f"{name}.parquet"
            if single.is_file():
                single.unlink()
            folder = self.out_dir / name
            if folder.is_dir():
                shutil.rmtree(folder)
        truth_dir = self.out_dir / TRUTH_DIR
        if truth_dir.is_dir():
            shutil.rmtree(truth_dir)
        truth = self.out_dir / TRUTH_FILE
        if truth.is_file():
            truth.unlink()
        for name in PARTITIONED:
            (self.out_dir / name).mkdir()
        (self.out_dir / TRUTH_DIR / "orders").mkdir(parents=True)

    def write(self, name: str, table: pa.Table) -> None:
        if name in PARTITIONED:
            raise ValueError(f"{name} is written in parts")
        _write(table, self.out_dir / f"{name}.parquet")
        self.rows[name] += table.num_rows

    def write_part(self, name: str, part: int, table: pa.Table) -> None:
        if name not in PARTITIONED:
            raise ValueError(f"{name} is written as one file")
        _write(table, self.out_dir / name / f"part-{part:05d}.parquet")
        self.rows[name] += table.num_rows

    def write_truth(self, relative: str, table: pa.Table) -> None:
        _write(table, self.out_dir / TRUTH_DIR / relative)

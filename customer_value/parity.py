"""Parity: the marts built on Spark hold the same rows as the marts built on DuckDB from the same data.

Every table of the compared schema (default `marts`) is read from both engines, so a mart added later
is compared without anything to register. Two tables agree when they have the same columns (by name:
Spark moves a partitioned table's partition columns to the end), the same column types (after mapping
each engine's type names onto one vocabulary; whole numbers of any width count as one type) and the
same rows as a multiset. Values are compared exactly (money is a decimal,
so "equal" means equal to the cent), except double-precision columns, which agree within a relative
tolerance: `DEFAULT_TOLERANCE`, or the column's `config.meta.parity_tolerance` in its model's YAML,
where a model states a looser one (the parameters of a fitted model, for example) and says why.

This module compares; it computes no business number. It reads Spark through the session dbt-spark
opens for a `method: session` target, so it needs no Spark settings of its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import yaml

from customer_value.config import PROJECT_DIR, Settings
from customer_value.spark import SparkError, spark_session

# Relative tolerance for double columns (shares, rates, utilisation): the engines may sum floating-point
# numbers in a different order, which moves the last of their ~16 significant digits.
DEFAULT_TOLERANCE = 1e-9
# Rows shown per table when the rows differ.
SHOWN_DIFFERENCES = 3


class ParityError(RuntimeError):
    """The comparison could not run; the message says why."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # engine-neutral type: string, integer, decimal(p,s), double, boolean, date, timestamp


@dataclass
class TableResult:
    table: str
    duckdb_rows: int = 0
    spark_rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


_TYPE_NAMES = {
    "varchar": "string",
    "string": "string",
    "text": "string",
    "integer": "integer",
    "int": "integer",
    "int32": "integer",
    "smallint": "integer",
    "tinyint": "integer",
    "bigint": "bigint",
    "long": "bigint",
    "hugeint": "hugeint",
    "double": "double",
    "float": "float",
    "real": "float",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_ntz": "timestamp",
}


def neutral_type(name: str) -> str:
    """One engine's type name in the vocabulary both share: `VARCHAR` and `string` are both `string`."""
    text = name.strip().lower().replace(" ", "")
    if text.startswith("decimal") or text.startswith("numeric"):
        return text.replace("numeric", "decimal")
    return _TYPE_NAMES.get(text, text)


WHOLE_NUMBER_KINDS = {"integer", "bigint", "hugeint"}


def _comparable_kind(kind: str) -> str:
    """Whole numbers of any width compare alike: DuckDB's sum of integers is a 128-bit hugeint and its
    datediff a bigint where Spark has bigint and int, and the values are what matters."""
    return "whole number" if kind in WHOLE_NUMBER_KINDS else kind


def column_tolerances(project_dir: Path = PROJECT_DIR) -> dict[tuple[str, str], float]:
    """(model, column) -> relative tolerance, from `config.meta.parity_tolerance` in the models' YAML."""
    tolerances: dict[tuple[str, str], float] = {}
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for model in document.get("models", []) or []:
            for column in model.get("columns", []) or []:
                meta = (column.get("config") or {}).get("meta") or column.get("meta") or {}
                if "parity_tolerance" in meta:
                    tolerances[(model["name"], column["name"])] = float(meta["parity_tolerance"])
    return tolerances


def _sort_key(row: Sequence[object], doubles: set[int]) -> tuple:
    """Orders rows the same way on both engines: doubles rounded so that noise in their last digits
    does not reorder rows, None first."""
    key = []
    for index, value in enumerate(row):
        if value is None:
            key.append((0, ""))
        elif index in doubles:
            key.append((1, float(f"{float(value):.6g}")))
        elif isinstance(value, bool):
            key.append((1, int(value)))
        elif isinstance(value, (int, float, Decimal)):
            key.append((1, Decimal(value) if not isinstance(value, float) else Decimal(repr(value))))
        elif isinstance(value, (date, datetime)):
            key.append((1, value.isoformat()))
        else:
            key.append((1, str(value)))
    return tuple(key)


def _same(left: object, right: object, tolerance: float | None) -> bool:
    if left is None or right is None:
        return left is None and right is None
    if tolerance is not None:
        left_float, right_float = float(left), float(right)
        if math.isnan(left_float) or math.isnan(right_float):
            return math.isnan(left_float) and math.isnan(right_float)
        return math.isclose(left_float, right_float, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(left, Decimal) or isinstance(right, Decimal):
        return Decimal(str(left)) == Decimal(str(right))
    if type(left) is not type(right) and not (
        isinstance(left, (int, float)) and isinstance(right, (int, float))
    ):
        return False
    return left == right


def compare_rows(
    table: str,
    columns: Sequence[Column],
    duckdb_rows: Iterable[Sequence[object]],
    spark_rows: Iterable[Sequence[object]],
    tolerances: dict[tuple[str, str], float] | None = None,
) -> list[str]:
    """The differences between two row sets of the same columns, as sentences naming table, column and
    row; empty when they hold the same rows."""
    tolerances = tolerances or {}
    doubles = {i for i, c in enumerate(columns) if c.kind in ("double", "float")}
    column_tolerance = [
        tolerances.get((table, c.name), DEFAULT_TOLERANCE) if i in doubles else None
        for i, c in enumerate(columns)
    ]
    left = sorted((tuple(r) for r in duckdb_rows), key=lambda r: _sort_key(r, doubles))
    right = sorted((tuple(r) for r in spark_rows), key=lambda r: _sort_key(r, doubles))
    problems = []
    if len(left) != len(right):
        problems.append(f"{table}: {len(left):,} rows on DuckDB, {len(right):,} on Spark")
    for number, (a, b) in enumerate(zip(left, right, strict=False), start=1):
        differing = [
            f"{c.name} {a[i]!r} on DuckDB, {b[i]!r} on Spark"
            for i, c in enumerate(columns)
            if not _same(a[i], b[i], column_tolerance[i])
        ]
        if differing:
            problems.append(f"{table}, row {number} in sorted order: " + "; ".join(differing))
            if len(problems) >= SHOWN_DIFFERENCES:
                problems.append(f"{table}: further differing rows not shown")
                break
    return problems


def _duckdb_tables(connection: duckdb.DuckDBPyConnection, schema: str) -> dict[str, list[Column]]:
    rows = connection.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_schema = ? order by table_name, ordinal_position",
        [schema],
    ).fetchall()
    tables: dict[str, list[Column]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append(Column(column, neutral_type(data_type)))
    return tables


def _spark_tables(spark, schema: str) -> dict[str, list[Column]]:
    if not spark.catalog.databaseExists(schema):
        return {}
    tables: dict[str, list[Column]] = {}
    for table in spark.catalog.listTables(schema):
        if table.isTemporary:
            continue
        fields = spark.table(f"{schema}.`{table.name}`").schema.fields
        tables[table.name] = [Column(f.name, neutral_type(f.dataType.simpleString())) for f in fields]
    return tables


def compare_marts(database: Path, settings: Settings, schema: str = "marts") -> list[TableResult]:
    """Compare every table of `schema` in the DuckDB `database` with the same schema on the Spark target."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", schema):
        raise ParityError(f"schema must be a plain name, not {schema!r}.")
    if not database.exists():
        raise ParityError(f"{database}: no such DuckDB database; build the project on DuckDB first.")
    tolerances = column_tolerances()
    try:
        spark = spark_session(settings)
    except SparkError as error:
        raise ParityError(str(error)) from None
    with duckdb.connect(str(database), read_only=True) as connection:
        duck_tables = _duckdb_tables(connection, schema)
        if not duck_tables:
            raise ParityError(
                f"{database}: schema {schema} has no tables; build the project on DuckDB first."
            )
        spark_tables = _spark_tables(spark, schema)
        results = []
        for name in sorted(set(duck_tables) | set(spark_tables)):
            result = TableResult(name)
            results.append(result)
            if name not in spark_tables:
                result.problems.append(f"{schema}.{name} exists on DuckDB but not on Spark")
                continue
            if name not in duck_tables:
                result.problems.append(f"{schema}.{name} exists on Spark but not on DuckDB")
                continue
            duck_columns = duck_tables[name]
            # Spark puts a partitioned table's partition columns last: compare by name, in DuckDB's order.
            by_name = {c.name: c for c in spark_tables[name]}
            if sorted(by_name) != sorted(c.name for c in duck_columns):
                only_duck = sorted({c.name for c in duck_columns} - set(by_name))
                only_spark = sorted(set(by_name) - {c.name for c in duck_columns})
                result.problems.append(
                    f"{schema}.{name}: columns differ: only on DuckDB {only_duck}, only on Spark {only_spark}"
                )
                continue
            spark_columns = [by_name[c.name] for c in duck_columns]
            for duck_column, spark_column in zip(duck_columns, spark_columns, strict=True):
                if _comparable_kind(duck_column.kind) != _comparable_kind(spark_column.kind):
                    result.problems.append(
                        f"{schema}.{name}.{duck_column.name} is {duck_column.kind} on DuckDB but "
                        f"{spark_column.kind} on Spark"
                    )
            duck_rows = connection.execute(f'select * from {schema}."{name}"').fetchall()
            # Spark hands timestamps to Python in this process's time zone; as timestamp_ntz they come
            # as the session's (UTC) wall-clock time, which is what DuckDB stores.
            selected = [
                f"cast(`{c.name}` as timestamp_ntz) as `{c.name}`" if c.kind == "timestamp" else f"`{c.name}`"
                for c in spark_columns
            ]
            spark_rows = [
                tuple(row) for row in spark.table(f"{schema}.`{name}`").selectExpr(*selected).collect()
            ]
            result.duckdb_rows, result.spark_rows = len(duck_rows), len(spark_rows)
            result.problems += compare_rows(name, duck_columns, duck_rows, spark_rows, tolerances)
    return results

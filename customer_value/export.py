"""`customer-value export`: the marts as Parquet (and CSV) files, for tools that cannot open DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

FORMATS = ("parquet", "csv")


class ExportError(RuntimeError):
    """The export cannot run; the message says why."""


@dataclass(frozen=True)
class ExportedFile:
    table: str
    path: Path
    rows: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def export_tables(
    database: Path,
    out_dir: Path,
    formats: tuple[str, ...] = ("parquet",),
    schema: str = "marts",
    tables: tuple[str, ...] = (),
) -> list[ExportedFile]:
    """Write every table of `schema` (or the named ones) to `out_dir/<table>.<format>`; the database is
    opened read-only, so an export never blocks a reader and never changes the warehouse."""
    unknown = [name for name in formats if name not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {', '.join(unknown)}; use {' or '.join(FORMATS)}.")
    if not database.exists():
        raise ExportError(f"{database} does not exist: run `customer-value build` first.")
    connection = duckdb.connect(str(database), read_only=True)
    try:
        available = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = ? "
                "and table_type = 'BASE TABLE' order by table_name",
                [schema],
            ).fetchall()
        ]
        if not available:
            raise ExportError(f"{database} has no tables in schema {schema}: run `customer-value build`.")
        missing = [name for name in tables if name not in available]
        if missing:
            raise ExportError(f"schema {schema} has no table {', '.join(missing)}.")
        out_dir.mkdir(parents=True, exist_ok=True)
        written = []
        for table in tables or available:
            relation = f"{_quote(schema)}.{_quote(table)}"
            rows = connection.execute(f"select count(*) from {relation}").fetchone()[0]
            for file_format in formats:
                path = out_dir / f"{table}.{file_format}"
                options = (
                    "format parquet, compression zstd" if file_format == "parquet" else "format csv, header"
                )
                target = str(path).replace("'", "''")
                connection.execute(f"copy (select * from {relation}) to '{target}' ({options})")
                written.append(ExportedFile(table, path, rows))
        return written
    finally:
        connection.close()

"""Load a folder of raw files (Parquet or CSV) into the `raw` schema: every table or none.

For each raw table of the contract (customer_value.contract) the loader looks for, in this order,
`<table>.parquet`, a folder `<table>/` of Parquet or CSV parts, `<table>.csv` or `<table>.csv.gz`.
It checks every file before it changes anything: a missing file (of a required table) or column, or a
value that does not cast to the declared type, stops the load with a message naming the file, the
column and the row. Only when every table passed does one transaction replace the raw tables, so a
failed load leaves the previous raw data untouched.

On a Spark target the same checks run (in an in-memory DuckDB), the checked rows are written as Parquet
into a staging folder, and dbt's macro load_raw_tables writes them into the raw tables through the
target's connection (see load_directory_to_spark).
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console

from customer_value.config import RAW_SCHEMA, Settings
from customer_value.contract import (
    LOADER_COLUMNS,
    RawTable,
    declared_tables,
    raw_tables,
    transactions_table,
)

# Declared (engine-neutral) type names mapped to DuckDB's; anything else passes through unchanged.
DUCKDB_TYPES = {
    "string": "varchar",
    "integer": "integer",
    "bigint": "bigint",
    "double": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp": "timestamp",
}


# Table the loader writes the rows whose values do not cast into (issue 10; models/staging/loader/).
LOAD_REJECTS = "load_rejects"


class LoadError(RuntimeError):
    """The files cannot be loaded; the message names the file, column and row."""


@dataclass(frozen=True)
class SourceFiles:
    """Where one raw table's data lives and how to read it."""

    table: RawTable
    path: Path
    file_format: str  # "parquet" or "csv"
    pattern: str  # a file or a glob DuckDB can read

    @property
    def label(self) -> str:
        return self.path.name + ("/" if self.path.is_dir() else "")


def duckdb_type(declared: str) -> str:
    return DUCKDB_TYPES.get(declared.lower(), declared)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def find_source_files(directory: Path, table: RawTable) -> SourceFiles | None:
    """The file or folder holding a table's data, or None when there is none."""
    candidates = [
        (directory / f"{table.name}.parquet", "parquet", None),
        (directory / table.name, None, None),
        (directory / f"{table.name}.csv", "csv", None),
        (directory / f"{table.name}.csv.gz", "csv", None),
    ]
    for path, file_format, _ in candidates:
        if path.is_file():
            return SourceFiles(table, path, file_format or "csv", str(path))
        if path.is_dir():
            if any(path.glob("*.parquet")):
                return SourceFiles(table, path, "parquet", str(path / "*.parquet"))
            if any(path.glob("*.csv")) or any(path.glob("*.csv.gz")):
                pattern = "*.csv" if any(path.glob("*.csv")) else "*.csv.gz"
                return SourceFiles(table, path, "csv", str(path / pattern))
    return None


def _reader(files: SourceFiles) -> str:
    """A DuckDB table function reading the files with each row's file and position."""
    if files.file_format == "parquet":
        return (
            f"(select * exclude (file_row_number), file_row_number + 1 as __row "
            f"from read_parquet({_literal(files.pattern)}, filename = true, file_row_number = true))"
        )
    # CSV: every column read as text so that the loader, not the CSV sniffer, decides what is valid;
    # the row number counts data rows in file order (header excluded).
    return (
        f"(select *, row_number() over (partition by filename) as __row "
        f"from read_csv({_literal(files.pattern)}, header = true, all_varchar = true, "
        f"filename = true))"
    )


def _file_columns(connection: duckdb.DuckDBPyConnection, files: SourceFiles) -> list[str]:
    try:
        described = connection.execute(f"describe select * from {_reader(files)}").fetchall()
    except duckdb.Error as error:
        raise LoadError(
            f"{files.path}: cannot be read as {files.file_format} ({_first_line(error)})."
        ) from None
    return [row[0] for row in described if row[0] not in ("filename", "__row")]


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _row_label(files: SourceFiles, file_name: str, row: int) -> str:
    where = Path(file_name).name if files.path.is_dir() else files.path.name
    if files.file_format == "csv":
        return f"{where}, line {row + 1} (data row {row})"
    return f"{where}, row {row}"


def validate(connection: duckdb.DuckDBPyConnection, files: SourceFiles, strict: bool = True) -> list[str]:
    """Check one table's files against the contract; return the contract columns the files lack.

    A missing file or required column always stops the load; a value that does not cast stops it only
    when `strict` (otherwise the loader quarantines the row into raw.load_rejects)."""
    table = files.table
    present = set(_file_columns(connection, files))
    missing_required = [c.name for c in table.required_columns if c.name not in present]
    if missing_required:
        names = ", ".join(missing_required)
        raise LoadError(
            f"{files.path}: column {names} missing (raw.{table.name} requires it; "
            f"run `customer-value schema` for the expected columns)."
        )
    checks = [c for c in table.columns if c.name in present]
    if not checks:
        return []
    probes = ", ".join(
        f"arg_min([cast(__row as varchar), filename, cast({_quote(c.name)} as varchar)], __row) "
        f"filter (where {_quote(c.name)} is not null "
        f"and try_cast({_quote(c.name)} as {duckdb_type(c.data_type)}) is null) as {_quote(c.name)}"
        for c in checks
    )
    try:
        first_bad = connection.execute(f"select {probes} from {_reader(files)}").fetchone()
    except duckdb.Error as error:
        raise LoadError(f"{files.path}: cannot be read ({_first_line(error)}).") from None
    problems = []
    for column, bad in zip(checks, first_bad or (), strict=False):
        if bad is not None:
            row, file_name, value = bad
            problems.append(
                f"{_row_label(files, file_name, int(row))}, column {column.name}: "
                f"{value!r} is not a valid {column.data_type}"
            )
    if problems and strict:
        raise LoadError(f"raw.{table.name} from {files.path}: " + "; ".join(problems) + ".")
    return [c.name for c in table.columns if c.name not in present]


def _uncastable(files: SourceFiles, missing_optional: Iterable[str]) -> list[tuple[str, str]]:
    """Per contract column the file has: (name, SQL that is true when the row's value does not cast)."""
    missing = set(missing_optional)
    return [
        (c.name, f"({column} is not null and try_cast({column} as {duckdb_type(c.data_type)}) is null)")
        for c in files.table.columns
        if c.name not in missing
        for column in [_quote(c.name)]
    ]


def _has_unparseable(files: SourceFiles, missing_optional: Iterable[str]) -> str:
    """SQL true when any value of the row does not cast to its declared type."""
    return "(" + " or ".join(sql for _, sql in _uncastable(files, missing_optional)) + ")"


def _rejects_select(files: SourceFiles, missing_optional: Iterable[str], loaded_at: str) -> str:
    """The rows of the files with a value that does not cast, as rows of raw.load_rejects (issue 10)."""
    table = files.table
    checks = _uncastable(files, missing_optional)
    missing = set(missing_optional)

    def text(name: str) -> str:
        return f"coalesce(cast({_quote(name)} as varchar), 'null')"

    key = " || '|' || ".join(text(name) for name in table.primary_key) or "null"
    column_name = "case " + " ".join(f"when {sql} then {_literal(name)}" for name, sql in checks) + " end"
    raw_value = " ".join(f"when {sql} then cast({_quote(name)} as varchar)" for name, sql in checks)
    raw_value = f"case {raw_value} end"
    shown = [c.name for c in table.columns if c.name not in missing and not c.pii]
    raw_values = " || '; ' || ".join(f"{_literal(name + '=')} || {text(name)}" for name in shown) or "''"
    base = str(files.path.parent)
    return (
        f"select {_literal(table.name)} as table_name, "
        f"replace(filename, {_literal(base + '/')}, '') as source_file, "
        f"cast(__row as bigint) as source_row, {key} as row_key, {column_name} as column_name, "
        f"{raw_value} as raw_value, {raw_values} as raw_values, 'unparseable_value' as reason_code, "
        f"cast({_literal(loaded_at)} as timestamp) as _loaded_at "
        f"from {_reader(files)} where {_has_unparseable(files, missing_optional)}"
    )


def _empty_rejects_select() -> str:
    table = declared_tables()[LOAD_REJECTS]
    expressions = [f"cast(null as {duckdb_type(c.data_type)}) as {_quote(c.name)}" for c in table.columns]
    return f"select {', '.join(expressions)} where false"


def _select_sql(
    files: SourceFiles, missing_optional: Iterable[str], loaded_at: str, skip_unparseable: bool = False
) -> str:
    missing = set(missing_optional)
    expressions = []
    for column in files.table.columns:
        target = duckdb_type(column.data_type)
        source = "null" if column.name in missing else _quote(column.name)
        expressions.append(f"cast({source} as {target}) as {_quote(column.name)}")
    expressions.append(f"cast({_literal(loaded_at)} as timestamp) as _loaded_at")
    base = str(files.path.parent)
    expressions.append(f"replace(filename, {_literal(base + '/')}, '') as _source_file")
    where = f" where not {_has_unparseable(files, missing_optional)}" if skip_unparseable else ""
    return f"select {', '.join(expressions)} from {_reader(files)}{where}"


def _empty_select_sql(table: RawTable, loaded_at: str) -> str:
    expressions = [f"cast(null as {duckdb_type(c.data_type)}) as {_quote(c.name)}" for c in table.columns]
    expressions += [
        f"cast({_literal(loaded_at)} as timestamp) as _loaded_at",
        f"cast(null as {duckdb_type(LOADER_COLUMNS['_source_file'])}) as _source_file",
    ]
    return f"select {', '.join(expressions)} where false"


def _find_all(directory: Path) -> dict[str, SourceFiles | None]:
    """The files of every raw table in `directory`; a required table without files stops the load."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: no such folder.")
    found: dict[str, SourceFiles | None] = {}
    for name, table in raw_tables().items():
        files = find_source_files(directory, table)
        if files is None and not table.optional:
            raise LoadError(
                f"{directory}: no file for raw table {name} (expected {name}.parquet, {name}.csv "
                f"or a folder {name}/ of Parquet or CSV files)."
            )
        found[name] = files
    return found


def _configure(connection: duckdb.DuckDBPyConnection, memory_limit: str | None, threads: int | None) -> str:
    """Apply the resource limits; return the load's timestamp (UTC) for `_loaded_at`."""
    if memory_limit:
        connection.execute(f"set memory_limit = {_literal(memory_limit)}")
    if threads:
        connection.execute(f"set threads = {int(threads)}")
    return _loaded_at(connection)


def checked_selects(
    connection: duckdb.DuckDBPyConnection,
    found: dict[str, SourceFiles | None],
    loaded_at: str,
    console: Console,
    strict: bool = False,
) -> list[tuple[str, str]]:
    """Validate every table's files; return per table the DuckDB select that yields its raw rows in the
    contract's columns and types (plus `_loaded_at` and `_source_file`), and last the select of
    raw.load_rejects: the rows with a value that does not cast (none when `strict`, which stops at the
    first such value instead). Nothing is written."""
    tables = raw_tables()
    statements: list[tuple[str, str]] = []
    rejects: list[str] = []
    with console.status("checking raw files against the contract") as status:
        for name, files in found.items():
            status.update(f"checking {name}")
            if files is None:
                console.print(f"[yellow]note:[/] optional raw table {name} has no file; loading it empty.")
                statements.append((name, _empty_select_sql(tables[name], loaded_at)))
                continue
            missing_optional = validate(connection, files, strict=strict)
            if missing_optional:
                console.print(
                    f"[yellow]note:[/] {files.label} lacks {', '.join(missing_optional)}; loaded as null."
                )
            statements.append((name, _select_sql(files, missing_optional, loaded_at, skip_unparseable=True)))
            rejects.append(_rejects_select(files, missing_optional, loaded_at))
    rejected = " union all ".join(f"({select})" for select in rejects) if rejects else _empty_rejects_select()
    statements.append((LOAD_REJECTS, rejected))
    return statements


def load_directory(
    directory: Path,
    database: Path,
    console: Console | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    strict: bool = False,
) -> dict[str, int]:
    """Validate every raw file in `directory`, then replace the raw tables in one transaction.

    Rows with a value that does not cast to the contract's type go to raw.load_rejects (and on to
    quality.rpt_rejected_rows), the others are loaded; with `strict` the first such value stops the load.
    Returns the number of rows loaded per table (load_rejects included).
    """
    console = console or Console(stderr=True)
    found = _find_all(directory)
    connection = _open(database, memory_limit, threads)
    try:
        statements = checked_selects(connection, found, _loaded_at(connection), console, strict=strict)
        counts = _replace_tables(connection, statements, console, replaces_history=True)
    finally:
        connection.close()
    return counts


def load_directory_to_spark(
    directory: Path, settings: Settings, console: Console | None = None, strict: bool = False
) -> dict[str, int]:
    """Validate every raw file in `directory` exactly as for DuckDB, write each table's checked rows as
    one Parquet file into the staging folder, then let dbt replace the raw tables on the Spark target
    (macro load_raw_tables, through the target's own connection, so a cluster works as well as local
    mode as long as it can read the staging folder).

    Returns the number of rows loaded per table.
    """
    from customer_value.dbt import DbtError, run_dbt

    console = console or Console(stderr=True)
    found = _find_all(directory)
    staging = settings.spark_staging_dir / f"load-{uuid.uuid4().hex[:12]}"
    location = (
        f"{settings.spark_staging_uri.rstrip('/')}/{staging.name}"
        if settings.spark_staging_uri
        else str(staging)
    )
    counts: dict[str, int] = {}
    try:
        try:
            staging.mkdir(parents=True)
        except OSError as error:
            raise LoadError(f"{staging}: cannot create the staging folder ({error.strerror}).") from None
        with duckdb.connect() as connection:
            loaded_at = _configure(connection, settings.memory_limit, settings.threads)
            statements = checked_selects(connection, found, loaded_at, console, strict=strict)
            with console.status("writing checked rows to Parquet") as status:
                for name, select in statements:
                    status.update(f"writing {name}")
                    target = staging / f"{name}.parquet"
                    try:
                        counts[name] = connection.execute(
                            f"copy ({select}) to {_literal(str(target))} (format parquet)"
                        ).fetchone()[0]
                    except duckdb.Error as error:
                        raise LoadError(
                            f"{target}: cannot write the checked rows, nothing was changed "
                            f"({_first_line(error)})."
                        ) from None
        tables = raw_tables()
        columns = {
            name: [[c.name, c.data_type] for c in tables[name].columns]
            + [list(c) for c in LOADER_COLUMNS.items()]
            for name, _ in statements
            if name != LOAD_REJECTS
        }
        columns[LOAD_REJECTS] = [[c.name, c.data_type] for c in declared_tables()[LOAD_REJECTS].columns]
        with console.status(f"replacing the raw tables on Spark target {settings.target}"):
            try:
                run_dbt(
                    [
                        "run-operation",
                        "load_raw_tables",
                        "--args",
                        json.dumps(
                            {"location": location, "tables": columns, "drop_relations": INCREMENTAL_MODELS}
                        ),
                    ],
                    settings,
                    quiet=True,
                )
            except DbtError as error:
                raise LoadError(f"loading into Spark target {settings.target} failed: {error}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts


def load_transactions_file(
    path: Path,
    database: Path,
    console: Console | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
) -> int:
    """Validate one transactions file (CSV with a header row, or Parquet) against raw.transactions and
    replace that table with it; the database's other tables are left alone. Returns the rows loaded."""
    console = console or Console(stderr=True)
    table = transactions_table()
    if not path.is_file():
        raise LoadError(f"{path}: no such file.")
    name = path.name.lower()
    file_format = "parquet" if name.endswith(".parquet") else "csv"
    if file_format == "csv" and not (name.endswith(".csv") or name.endswith(".csv.gz")):
        raise LoadError(f"{path}: a transactions file must be .csv, .csv.gz or .parquet.")
    files = SourceFiles(table, path, file_format, str(path))
    connection = _open(database, memory_limit, threads)
    try:
        with console.status(f"checking {path.name} against raw.{table.name}"):
            missing_optional = validate(connection, files)
            _require_values(connection, files)
            if connection.execute(f"select count(*) from {_reader(files)}").fetchone()[0] == 0:
                raise LoadError(f"{path}: has no transactions.")
        select = _select_sql(files, missing_optional, _loaded_at(connection))
        counts = _replace_tables(connection, [(table.name, select)], console)
    finally:
        connection.close()
    return counts[table.name]


def _open(database: Path, memory_limit: str | None, threads: int | None) -> duckdb.DuckDBPyConnection:
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(database))
    except duckdb.Error as error:
        raise LoadError(f"{database}: cannot open the database ({_first_line(error)}).") from None
    _configure(connection, memory_limit, threads)
    return connection


def _loaded_at(connection: duckdb.DuckDBPyConnection) -> str:
    return connection.execute(
        "select strftime(current_timestamp at time zone 'UTC', '%Y-%m-%d %H:%M:%S.%f')"
    ).fetchone()[0]


def _replace_tables(
    connection: duckdb.DuckDBPyConnection,
    statements: list[tuple[str, str]],
    console: Console,
    replaces_history: bool = False,
) -> dict[str, int]:
    """Replace each raw table with its select, all in one transaction; the rows loaded per table."""
    counts: dict[str, int] = {}
    connection.execute("begin transaction")
    try:
        connection.execute(f"create schema if not exists {RAW_SCHEMA}")
        with console.status("loading raw tables") as status:
            for name, select in statements:
                status.update(f"loading {name}")
                connection.execute(f"create or replace table {RAW_SCHEMA}.{_quote(name)} as {select}")
                counts[name] = connection.execute(
                    f"select count(*) from {RAW_SCHEMA}.{_quote(name)}"
                ).fetchone()[0]
        if replaces_history:
            _drop_incremental_models(connection)
        connection.execute("commit")
    except BaseException as error:
        connection.execute("rollback")
        if isinstance(error, duckdb.Error):
            raise LoadError(f"loading failed, nothing was changed: {_first_line(error)}") from None
        raise
    return counts


def _require_values(connection: duckdb.DuckDBPyConnection, files: SourceFiles) -> None:
    """Every required column of the file has a value on every row; the first empty one is named."""
    required = [c.name for c in files.table.required_columns]
    probes = ", ".join(
        f"min(__row) filter (where {_quote(name)} is null or trim(cast({_quote(name)} as varchar)) = '') "
        f"as {_quote(name)}"
        for name in required
    )
    first_empty = connection.execute(f"select {probes} from {_reader(files)}").fetchone() or ()
    for name, row in zip(required, first_empty, strict=False):
        if row is not None:
            raise LoadError(f"{_row_label(files, files.path.name, int(row))}, column {name}: no value.")


# --- issue 6: deliveries (daily increments) upserted into the raw tables ---------------------------------

# Schema of the operational tables: deliveries loaded and scheduled runs (customer_value.schedule).
OPS_SCHEMA = "ops"
# The incremental models (schema.table). A full load replaces the history they were built from, so it
# drops them (in its transaction on DuckDB) and the next build creates them from all of the new data;
# otherwise months outside their lookback window would keep the previous data set's figures.
INCREMENTAL_MODELS = [
    "staging.base_erp__order_lines",
    "staging.base_crm__activities",
    "staging.base_erp__invoices",
    "staging.base_erp__payments",
    "intermediate.int_order_lines_costed",
    "intermediate.int_sales_aggregated_to_customer_months",
    "intermediate.int_activities_costed",
    "intermediate.int_activity_costs_aggregated_to_customer_months",
    "marts.fct_customer_profitability_monthly",
    "marts.fct_customer_product_profitability",
]


def _drop_incremental_models(connection: duckdb.DuckDBPyConnection) -> None:
    for relation in INCREMENTAL_MODELS:
        connection.execute(f"drop table if exists {relation}")


def _find_present(directory: Path) -> dict[str, SourceFiles]:
    """The files of the raw tables a delivery folder has; every table is optional in a delivery."""
    if not directory.is_dir():
        raise LoadError(f"{directory}: no such folder.")
    found = {
        name: files
        for name, table in raw_tables().items()
        if (files := find_source_files(directory, table)) is not None
    }
    if not found:
        raise LoadError(
            f"{directory}: no file of any raw table (expected <table>.parquet, <table>.csv or a folder "
            "<table>/ of files; run `customer-value schema` for the table names)."
        )
    return found


def append_directory(
    directory: Path,
    database: Path,
    console: Console | None = None,
    memory_limit: str | None = None,
    threads: int | None = None,
    delivery: str | None = None,
    strict: bool = False,
) -> dict[str, int]:
    """Upsert a delivery: validate every file in `directory` like a full load, then, in one transaction,
    delete the raw rows whose primary key (the contract's `meta.primary_key`) the delivery has and insert
    the delivery's rows. A corrected row therefore replaces the earlier version; new rows are added;
    tables without a file are left alone. The delivery is recorded in ops.loaded_deliveries under
    `delivery` (default: the folder's name), in the same transaction.

    Rows with a value that does not cast are added to raw.load_rejects, as a full load quarantines them
    (with `strict` the first such value stops the delivery instead).
    The raw tables must exist (a full `customer-value load` first). Returns the rows loaded per table
    (load_rejects included).
    """
    console = console or Console(stderr=True)
    found = _find_present(directory)
    tables = raw_tables()
    connection = _open(database, memory_limit, threads)
    try:
        existing = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = ?", [RAW_SCHEMA]
            ).fetchall()
        }
        absent = sorted(set(tables) - existing)
        if absent:
            raise LoadError(
                f"{database}: raw.{absent[0]} does not exist; load a whole data set first "
                "(`customer-value load --from DIR`), then deliveries with --append."
            )
        loaded_at = _loaded_at(connection)
        statements = checked_selects(connection, dict(found), loaded_at, console, strict=strict)
        counts: dict[str, int] = {}
        connection.execute("begin transaction")
        try:
            for name, select in statements:
                if name == LOAD_REJECTS:
                    # quarantined rows are kept, never replaced: a re-sent bad row is listed again
                    counts[name] = connection.execute(
                        f"insert into {RAW_SCHEMA}.{_quote(name)} by name {select}"
                    ).fetchone()[0]
                    continue
                key = tables[name].primary_key
                if not key:
                    raise LoadError(f"raw.{name} declares no meta.primary_key, so it cannot be upserted.")
                keys = ", ".join(_quote(column) for column in key)
                staged = _quote(f"__delivery_{name}")
                connection.execute(f"create or replace temporary table {staged} as {select}")
                connection.execute(
                    f"delete from {RAW_SCHEMA}.{_quote(name)} where ({keys}) in (select {keys} from {staged})"
                )
                connection.execute(f"insert into {RAW_SCHEMA}.{_quote(name)} by name select * from {staged}")
                counts[name] = connection.execute(f"select count(*) from {staged}").fetchone()[0]
                connection.execute(f"drop table {staged}")
            _record_delivery(connection, delivery or directory.name, directory, loaded_at, counts)
            connection.execute("commit")
        except BaseException as error:
            connection.execute("rollback")
            if isinstance(error, duckdb.Error):
                raise LoadError(
                    f"loading {directory} failed, nothing was changed: {_first_line(error)}"
                ) from None
            raise
    finally:
        connection.close()
    return counts


def _create_ops_tables(connection: duckdb.DuckDBPyConnection) -> None:
    connection.execute(f"create schema if not exists {OPS_SCHEMA}")
    connection.execute(
        f"create table if not exists {OPS_SCHEMA}.loaded_deliveries ("
        "delivery varchar, source_folder varchar, loaded_at timestamp, table_name varchar, row_count bigint)"
    )


def _record_delivery(
    connection: duckdb.DuckDBPyConnection,
    delivery: str,
    directory: Path,
    loaded_at: str,
    counts: dict[str, int],
) -> None:
    _create_ops_tables(connection)
    connection.executemany(
        f"insert into {OPS_SCHEMA}.loaded_deliveries values (?, ?, cast(? as timestamp), ?, ?)",
        [[delivery, str(directory), loaded_at, name, rows] for name, rows in counts.items()],
    )


def loaded_deliveries(database: Path) -> set[str]:
    """The names of the deliveries already upserted into `database` (empty when none or no database)."""
    if not database.exists():
        return set()
    with duckdb.connect(str(database), read_only=True) as connection:
        present = connection.execute(
            "select count(*) from information_schema.tables where table_schema = ? "
            "and table_name = 'loaded_deliveries'",
            [OPS_SCHEMA],
        ).fetchone()[0]
        if not present:
            return set()
        rows = connection.execute(f"select distinct delivery from {OPS_SCHEMA}.loaded_deliveries").fetchall()
        return {row[0] for row in rows}

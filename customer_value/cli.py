"""The `customer-value` command: generate, load, build, run, summary, schema."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from customer_value.config import Settings

console = Console(stderr=True, soft_wrap=True)


class CliError(click.ClickException):
    """An expected failure: printed as one sentence, exit code 1."""

    def show(self, file=None) -> None:
        console.print(f"[bold red]error:[/] {self.format_message()}")


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ValueError as error:
        raise CliError(str(error)) from error


def _target_type(settings: Settings) -> str:
    """The target's adapter type, once the environment variables the target needs are checked."""
    try:
        settings.check_target_environment()
        return settings.target_type
    except ValueError as error:
        raise CliError(str(error)) from error


@contextmanager
def _published(settings: Settings, seconds: dict[str, float] | None = None) -> Iterator[Settings]:
    """issue 10: settings whose DuckDB database is a private copy of the warehouse, published over it
    atomically when the block succeeds (customer_value.publish); readers of the warehouse keep reading the
    last good build meanwhile, and a failed or killed command leaves it as it was. Other targets: as is."""
    if settings.target_type != "duckdb":
        yield settings
        return
    from customer_value.publish import building_copy

    with building_copy(settings.database, seconds) as work:
        yield dataclasses.replace(settings, database=work)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="customer-value")
def main() -> None:
    """Customer profitability and customer value: orchestration around the dbt project."""


@main.command()
@click.option(
    "--customers",
    type=click.IntRange(min=1),
    default=3000,
    show_default=True,
    help="Number of customers to generate.",
)
@click.option("--seed", type=int, default=42, show_default=True, help="Random seed; same seed, same data.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("data/demo"),
    show_default=True,
    help="Folder to write one Parquet file (or folder) per raw table into.",
)
@click.option(
    "--end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default="2026-10-31",
    show_default=True,
    help="Last day of generated history.",
)
@click.option(
    "--months",
    type=click.IntRange(min=2, max=120),
    default=24,
    show_default=True,
    help="Months of history ending on --end-date.",
)
@click.option("--quiet", is_flag=True, help="No progress display.")
# issue 6: daily deliveries, to simulate a scheduled pipeline
@click.option(
    "--cutoff",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Write only what the source systems had delivered by the end of this day (late and "
    "not-yet-corrected rows as they stood then); load the days after it with --increment.",
)
@click.option(
    "--increment",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Write only the delivery of this day: its new rows, late rows of earlier days and corrections "
    "(load it with `customer-value load --from DIR --append`).",
)
def generate(
    customers: int, seed: int, out_dir: Path, end_date, months: int, quiet: bool, cutoff, increment
) -> None:
    """Generate a deterministic demo data set that looks like a real business."""
    from customer_value.generate import generate_dataset

    if cutoff is not None or increment is not None:
        from customer_value.generate.increments import generate_delivery

        if cutoff is not None and increment is not None:
            raise CliError("give --cutoff or --increment, not both.")
        try:
            counts = generate_delivery(
                out_dir,
                customers,
                seed,
                end_date.date(),
                months,
                cutoff=cutoff.date() if cutoff else None,
                increment=increment.date() if increment else None,
            )
        except ValueError as error:
            raise CliError(str(error)) from error
        what = f"delivery of {increment.date()}" if increment else f"snapshot at the end of {cutoff.date()}"
        rows = ", ".join(f"{rows:,} {name}" for name, rows in counts.items() if rows) or "no rows"
        console.print(f"wrote the {what} ({rows}) to {out_dir}")
        return
    summary = generate_dataset(
        out_dir=out_dir,
        customers=customers,
        seed=seed,
        end_date=end_date.date() if hasattr(end_date, "date") else date.fromisoformat(str(end_date)),
        months=months,
        show_progress=not quiet,
    )
    console.print(f"wrote {summary} to {out_dir}")


@main.command()
@click.option(
    "--from",
    "source_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Folder with one Parquet or CSV file (or folder of files) per raw table.",
)
@click.option(
    "--append",
    is_flag=True,
    help="Upsert a delivery (issue 6): add its rows and replace rows with the same primary key; the "
    "folder may hold any subset of the raw tables. DuckDB only.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop at the first value that does not cast (default: quarantine such rows into raw.load_rejects).",
)
def load(source_dir: Path, append: bool = False, strict: bool = False) -> None:
    """Load raw files into the `raw` schema; all tables or none."""
    from customer_value.load import (
        LOAD_REJECTS,
        LoadError,
        append_directory,
        load_directory,
        load_directory_to_spark,
    )

    settings = _settings()
    target_type = _target_type(settings)
    try:
        if append:
            if target_type != "duckdb":
                raise CliError(f"--append loads into DuckDB only; target {settings.target} is {target_type}.")
            with _published(settings) as working:
                counts = append_directory(
                    source_dir,
                    working.database,
                    console=console,
                    memory_limit=settings.memory_limit,
                    threads=settings.threads,
                    strict=strict,
                )
            where = f"{settings.database} (upserted by primary key)"
        elif target_type == "spark":
            counts = load_directory_to_spark(source_dir, settings, console=console, strict=strict)
            where = f"Spark target {settings.target}"
        elif target_type == "duckdb":
            with _published(settings) as working:
                counts = load_directory(
                    source_dir,
                    working.database,
                    console=console,
                    memory_limit=settings.memory_limit,
                    threads=settings.threads,
                    strict=strict,
                )
            where = str(settings.database)
        else:
            raise CliError(
                f"target {settings.target} is a {target_type} target; customer-value load writes DuckDB "
                "and Spark targets."
            )
    except LoadError as error:
        raise CliError(str(error)) from error
    rejected = counts.pop(LOAD_REJECTS, 0)
    total = sum(counts.values())
    console.print(f"loaded {len(counts)} raw tables, {total:,} rows, into {where}")
    if rejected:
        console.print(
            f"[yellow]warning:[/] {rejected:,} rows have a value that does not cast to the contract's type; "
            f"they are in raw.{LOAD_REJECTS} (and quality.rpt_rejected_rows after the build), not loaded."
        )


@main.command()
@click.option("--select", "select", default=None, help="dbt selection (default: everything).")
@click.option(
    "--exclude",
    "exclude",
    multiple=True,
    help="dbt exclusion, e.g. resource_type:unit_test (repeatable).",
)
@click.option("--full-refresh", is_flag=True, help="Rebuild incremental models from scratch.")
@click.option(
    "--vars", "dbt_vars", default=None, help="dbt vars as YAML, e.g. \"{as_of_date: '2026-06-30'}\"."
)
def build(
    select: str | None, full_refresh: bool, dbt_vars: str | None, exclude: tuple[str, ...] = ()
) -> None:
    """Run `dbt build`: seeds, models, data tests and unit tests."""
    from customer_value.dbt import DbtError, run_dbt

    args = ["build"]
    if select:
        args += ["--select", select]
    if exclude:
        args += ["--exclude", *exclude]
    if full_refresh:
        args.append("--full-refresh")
    if dbt_vars:
        args += ["--vars", dbt_vars]
    settings = _settings()
    _target_type(settings)
    try:
        with _published(settings) as working:
            run_dbt(args, working)
    except DbtError as error:
        raise CliError(str(error)) from error


@main.command()
def summary() -> None:
    """Print the headline numbers of the latest build."""
    from customer_value.clv_report import print_clv_summary
    from customer_value.report import SummaryError, print_summary, print_value_summary, read_summary_spark

    settings = _settings()
    try:
        if _target_type(settings) == "spark":
            from customer_value.spark import SparkError, spark_session

            try:
                spark = spark_session(settings)
            except SparkError as error:
                raise CliError(str(error)) from error
            print_summary(None, summary=read_summary_spark(spark))
        else:
            print_summary(settings.database)
            print_value_summary(settings.database)
            print_clv_summary(settings.database)
            # issue 5: the portfolio headline (whale curve, profitability matrix)
            from customer_value.portfolio_report import print_portfolio_summary

            print_portfolio_summary(settings.database)
    except SummaryError as error:
        raise CliError(str(error)) from error


# dbt selector (selectors.yml) of the models the transactions-only mode builds.
TRANSACTIONS_SELECTOR = "clv_from_transactions"


@main.command()
@click.option(
    "--transactions",
    "transactions_file",
    type=click.Path(path_type=Path),
    default=None,
    help="A transactions file (CSV with columns customer_id, transaction_date, amount; or Parquet): "
    "build the lifetime-value models from it alone.",
)
@click.option(
    "--from",
    "source_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="A folder of raw files: load it and build the whole pipeline.",
)
@click.option(
    "--calibration-end-date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day of the calibration period of the lifetime-value models (default: the latest purchase).",
)
@click.option(
    "--time-unit",
    type=click.Choice(["day", "week", "month"]),
    default=None,
    help="Time unit of the purchase model (default: week).",
)
@click.pass_context
def run(
    ctx: click.Context,
    transactions_file: Path | None,
    source_dir: Path | None,
    calibration_end_date,
    time_unit: str | None,
) -> None:
    """Load and build in one step, then print the summary.

    With --transactions FILE, the database named by CUSTOMER_VALUE_DB gets raw.transactions from FILE and
    the lifetime-value models built from it alone (fct_customer_clv_predictions, clv_model_parameters);
    with --from DIR, the whole pipeline.
    """
    import yaml

    from customer_value.clv_report import print_clv_summary
    from customer_value.dbt import DbtError, run_dbt
    from customer_value.load import LoadError, load_transactions_file
    from customer_value.report import SummaryError

    if (transactions_file is None) == (source_dir is None):
        raise CliError(
            "give either --transactions FILE (transactions-only mode) or --from DIR (whole pipeline)."
        )
    settings = _settings()
    if transactions_file is not None and _target_type(settings) == "spark":
        raise CliError(
            "--transactions loads into DuckDB only; on Spark target "
            f"{settings.target}, load raw.transactions with your own tool and run `customer-value build`."
        )
    dbt_vars: dict[str, str] = {}
    if calibration_end_date is not None:
        dbt_vars["clv_calibration_end_date"] = calibration_end_date.strftime("%Y-%m-%d")
    if time_unit is not None:
        dbt_vars["clv_time_unit"] = time_unit
    args = ["build"]
    if source_dir is not None:
        ctx.invoke(load, source_dir=source_dir)
    else:
        try:
            with _published(settings) as working:
                rows = load_transactions_file(
                    transactions_file,
                    working.database,
                    console=console,
                    memory_limit=settings.memory_limit,
                    threads=settings.threads,
                )
        except LoadError as error:
            raise CliError(str(error)) from error
        console.print(f"loaded {rows:,} transactions from {transactions_file} into {settings.database}")
        dbt_vars["clv_purchases_from"] = "transactions"
        args += ["--selector", TRANSACTIONS_SELECTOR]
    if dbt_vars:
        args += ["--vars", yaml.safe_dump(dbt_vars, default_flow_style=True).strip()]
    try:
        with _published(settings) as working:
            run_dbt(args, working)
    except DbtError as error:
        raise CliError(str(error)) from error
    if source_dir is not None:
        ctx.invoke(summary)
        return
    try:
        print_clv_summary(settings.database)
    except SummaryError as error:
        raise CliError(str(error)) from error


@main.command()
@click.option(
    "--duckdb",
    "duckdb_path",
    type=click.Path(path_type=Path),
    required=True,
    help="DuckDB warehouse built from the same raw data.",
)
@click.option("--schema", default="marts", show_default=True, help="Schema whose tables are compared.")
def parity(duckdb_path: Path, schema: str) -> None:
    """Check that the Spark target's marts hold the same rows as a DuckDB build of the same data."""
    from customer_value.parity import DEFAULT_TOLERANCE, ParityError, compare_marts

    settings = _settings()
    try:
        results = compare_marts(duckdb_path, settings, schema=schema)
    except ParityError as error:
        raise CliError(str(error)) from error
    table = Table(title=f"{schema}: DuckDB ({duckdb_path.name}) against Spark target {settings.target}")
    for heading in ("table", "rows on DuckDB", "rows on Spark", "result"):
        table.add_column(heading, justify="left" if heading in ("table", "result") else "right")
    for result in results:
        table.add_row(
            result.table,
            f"{result.duckdb_rows:,}",
            f"{result.spark_rows:,}",
            "same" if result.ok else "[bold red]differs[/]",
        )
    Console().print(table)
    failed = [result for result in results if not result.ok]
    for result in failed:
        for problem in result.problems:
            console.print(f"[red]-[/] {problem}")
    if failed:
        raise CliError(
            f"{len(failed)} of {len(results)} tables of {schema} differ between DuckDB and Spark "
            "(listed above)."
        )
    console.print(
        f"{len(results)} tables of {schema} agree: same columns, types and rows; decimals equal, "
        f"doubles within a relative {DEFAULT_TOLERANCE:g} unless a column states its own tolerance."
    )


# --- issue 7: exports for BI tools ------------------------------------------------------------------
@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("build/export"),
    show_default=True,
    help="Folder to write one file per mart into.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(["parquet", "csv"]),
    multiple=True,
    default=("parquet",),
    show_default=True,
    help="File format; repeat for both (--format parquet --format csv).",
)
@click.option("--table", "tables", multiple=True, help="Export only this table (repeatable).")
@click.option("--schema", default="marts", show_default=True, help="Schema whose tables are exported.")
def export(out_dir: Path, formats: tuple[str, ...], tables: tuple[str, ...], schema: str) -> None:
    """Write the marts as Parquet (or CSV) files, for tools that cannot open the DuckDB file."""
    from customer_value.export import ExportError, export_tables

    settings = _settings()
    if _target_type(settings) != "duckdb":
        raise CliError(
            f"target {settings.target} is not DuckDB; export reads the DuckDB warehouse (on Spark, the "
            "marts already are Parquet files that any tool can read)."
        )
    try:
        written = export_tables(settings.database, out_dir, tuple(dict.fromkeys(formats)), schema, tables)
    except ExportError as error:
        raise CliError(str(error)) from error
    for item in written:
        console.print(f"{item.path}  {item.rows:,} rows")
    console.print(f"exported {len({item.table for item in written})} tables of {schema} to {out_dir}")


@main.command()
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path),
    default=Path("build/dashboard.html"),
    show_default=True,
    help="HTML file to write.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Customers listed at each end of the profit ranking.",
)
def dashboard(out_file: Path, top: int) -> None:
    """Write the customer equity dashboard: one self-contained HTML file (charts embedded, no internet)."""
    from customer_value.dashboard import DashboardError, write_dashboard

    settings = _settings()
    if _target_type(settings) != "duckdb":
        raise CliError(f"target {settings.target} is not DuckDB; the dashboard reads the DuckDB warehouse.")
    try:
        page = write_dashboard(settings.database, out_file, top=top)
    except DashboardError as error:
        raise CliError(str(error)) from error
    for note in page.skipped.values():
        console.print(f"[yellow]note:[/] {note}")
    console.print(f"wrote {len(page.charts)} charts to {out_file}; open it in a browser")


# --- issue 6: the scheduled run ---------------------------------------------------------------------


@main.command()
@click.option(
    "--inbox",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of deliveries, one sub-folder each (e.g. 2026-11-03/): those not loaded yet are upserted "
    "in name order before the build.",
)
@click.option("--full-refresh", is_flag=True, help="Rebuild the incremental models from scratch.")
@click.option("--select", "select", default=None, help="dbt selection to build (default: everything).")
@click.option("--exclude", "exclude", default=None, help="dbt selection to leave out.")
def scheduled(inbox: Path | None, full_refresh: bool, select: str | None, exclude: str | None) -> None:
    """The daily run: load new deliveries, check source freshness, build, record it in ops.run_history.

    Exit code 0: built and tested; 1: failed (load, freshness error or build: see the summary);
    2: built, but rows arrived after their month left the lookback window (run with --full-refresh).
    """
    import duckdb

    from customer_value.schedule import EXIT_FAILED, print_run_summary, record_run, scheduled_run

    settings = _settings()
    if _target_type(settings) != "duckdb":
        raise CliError(
            f"customer-value scheduled runs on DuckDB targets; on {settings.target}, schedule "
            "`customer-value build` (the incremental models work there too)."
        )

    class _Failed(Exception):
        """The run failed: its working copy is not published (issue 10)."""

    record = None
    # the copy of the warehouse and its publication, around the run's own steps (issue 9)
    outside: dict[str, float] = {}
    try:
        # the run works on a private copy, published only when it did not fail, so readers keep the
        # last good build and a failed run changes nothing but the run history
        with _published(settings, outside) as working:
            record = scheduled_run(
                working, inbox, console, full_refresh=full_refresh, select=select, exclude=exclude
            )
            if record.exit_code == EXIT_FAILED:
                raise _Failed
    except _Failed:
        try:
            if settings.database.exists():
                record_run(record, settings.database)
        except duckdb.Error as error:
            console.print(f"[yellow]note:[/] could not record the failed run in {settings.database}: {error}")
    publish = {"publish": outside.pop("publish")} if "publish" in outside else {}
    record.step_seconds = {**outside, **record.step_seconds, **publish}
    print_run_summary(record, console)
    sys.exit(record.exit_code)


@main.command()
@click.option("--markdown", is_flag=True, help="Print as a Markdown table (for documentation).")
def schema(markdown: bool) -> None:
    """Print the raw tables and columns a data set must provide."""
    from customer_value.contract import raw_tables

    for table in raw_tables().values():
        flag = " (optional table)" if table.optional else ""
        if markdown:
            click.echo(f"\n#### `{table.name}`{flag}\n\n{table.description}\n")
            click.echo("| column | type | required | description |\n|---|---|---|---|")
            for column in table.columns:
                click.echo(
                    f"| `{column.name}` | {column.data_type} | {'no' if column.optional else 'yes'} "
                    f"| {column.description} |"
                )
        else:
            click.echo(f"{table.name}{flag}: {table.description}")
            for column in table.columns:
                needed = "optional" if column.optional else "required"
                click.echo(f"  {column.name:<26} {column.data_type:<14} {needed:<9} {column.description}")


if __name__ == "__main__":
    sys.exit(main())

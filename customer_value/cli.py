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
def _published(settings: Settings) -> Iterator[Settings]:
    """issue 10: settings whose DuckDB database is a private copy of the warehouse, published over it
    atomically when the block succeeds (customer_value.publish); readers of the warehouse keep reading the
    last good build meanwhile, and a failed or killed command leaves it as it was. Other targets: as is."""
    if settings.target_type != "duckdb":
        yield settings
        return
    from customer_value.publish import building_copy

    with building_copy(settings.database) as work:
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
def generate(customers: int, seed: int, out_dir: Path, end_date, months: int, quiet: bool) -> None:
    """Generate a deterministic demo data set that looks like a real business."""
    from customer_value.generate import generate_dataset

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
    "--strict",
    is_flag=True,
    help="Stop at the first value that does not cast (default: quarantine such rows into raw.load_rejects).",
)
def load(source_dir: Path, strict: bool = False) -> None:
    """Load raw files into the `raw` schema; all tables or none."""
    from customer_value.load import LOAD_REJECTS, LoadError, load_directory, load_directory_to_spark

    settings = _settings()
    target_type = _target_type(settings)
    try:
        if target_type == "spark":
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

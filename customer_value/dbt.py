"""Run dbt through its programmatic runner, against the database the settings name."""

from __future__ import annotations

import os
from collections.abc import Sequence
from contextlib import contextmanager

from customer_value.config import PROJECT_DIR, Settings


class DbtError(RuntimeError):
    """A dbt command failed; the message says which and why."""


@contextmanager
def _environment(values: dict[str, str]):
    previous = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_dbt(args: Sequence[str], settings: Settings | None = None, quiet: bool = False):
    """Invoke `dbt <args>` in the project and return dbt's result; raise DbtError when it fails."""
    from dbt.cli.main import dbtRunner

    settings = settings or Settings.from_env()
    try:
        settings.check_target_environment()
    except ValueError as error:
        raise DbtError(str(error)) from None
    if settings.target_profile.get("method") == "session":
        from customer_value.spark import metastore_in_use_elsewhere

        if metastore_in_use_elsewhere(settings):
            raise DbtError(
                f"{settings.spark_dir} is in use by another Spark process (its Derby metastore admits one "
                "at a time): wait for it to finish, or give this run its own CUSTOMER_VALUE_SPARK_DIR."
            )
    settings.database.parent.mkdir(parents=True, exist_ok=True)
    (settings.database.parent / "tmp").mkdir(parents=True, exist_ok=True)
    full_args = [*args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if quiet:
        full_args = ["--quiet", *full_args]
    with _environment(settings.dbt_env()):
        try:
            result = dbtRunner().invoke(full_args)
        finally:
            _release_database()
    command = " ".join(args)
    if len(command) > 120:
        command = " ".join(args[:2]) + " ..."
    if result.exception is not None:
        raise DbtError(f"dbt {command} could not run: {result.exception}")
    if not result.success:
        raise DbtError(f"dbt {command} failed; see the messages above and logs/dbt.log.")
    return result


def _release_database() -> None:
    """Close the DuckDB database dbt-duckdb keeps open for the life of the process, so that the same
    process can open it again afterwards (a summary after a build) without a configuration clash."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter: nothing held open
        return
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
        if environment is not None:
            environment.close()

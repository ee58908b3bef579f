"""The local Spark session of a `method: session` target, for the commands that read Spark tables
(parity, summary). dbt-spark opens it with the profile's settings; this module only asks dbt to."""

from __future__ import annotations

import fcntl
import sys

from customer_value.config import Settings


class SparkError(RuntimeError):
    """The Spark session cannot be had; the message says why."""


def metastore_in_use_elsewhere(settings: Settings) -> bool:
    """Whether another process has the local target's Derby metastore open (Derby admits one process per
    database and would fail with a long Java trace). A process that already runs Spark itself (one
    session serves every dbt call in it) is not "another"."""
    lock = settings.spark_dir / "metastore_db" / "dbex.lck"
    if not lock.exists():
        return False
    pyspark = sys.modules.get("pyspark")
    if pyspark is not None and pyspark.SparkContext._active_spark_context is not None:
        return False
    with lock.open("r+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.lockf(handle, fcntl.LOCK_UN)
    return False


def spark_session(settings: Settings):
    """The SparkSession of the target, opened by dbt-spark itself, so with profiles.yml's settings
    (warehouse and metastore folder, time zone) and nothing to keep in step here.

    In session mode the SparkSession is one per process: dbt-spark creates it on its first query, and
    `SparkSession.builder.getOrCreate()` returns that one afterwards."""
    from customer_value.dbt import DbtError, run_dbt

    try:
        profile = settings.target_profile
    except ValueError as error:
        raise SparkError(str(error)) from None
    if profile.get("type") != "spark" or profile.get("method") != "session":
        raise SparkError(
            f"target {settings.target} is not a Spark target with method session; this command reads "
            "Spark tables in this process (set CUSTOMER_VALUE_TARGET=spark)."
        )
    try:
        run_dbt(["debug", "--connection"], settings, quiet=True)
    except DbtError as error:
        raise SparkError(f"cannot open Spark target {settings.target}: {error}") from None
    from pyspark.sql import SparkSession

    return SparkSession.builder.getOrCreate()

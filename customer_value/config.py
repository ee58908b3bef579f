"""Paths and settings shared by the command-line tools, all overridable from the environment."""

from __future__ import annotations

import importlib.util
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = PROJECT_DIR / "warehouse" / "customer_value.duckdb"
# Warehouse files and Derby metastore of the local Spark target (profiles.yml, target `spark`).
DEFAULT_SPARK_DIR = PROJECT_DIR / "warehouse" / "spark"
PROFILES = PROJECT_DIR / "profiles.yml"
PROFILE_NAME = "customer_value"
RAW_SCHEMA = "raw"
# env_var('NAME') without a default in profiles.yml: the target cannot render without NAME.
_REQUIRED_ENV_VAR = re.compile(r"""env_var\(\s*['"]([A-Za-z0-9_]+)['"]\s*\)""")


@dataclass(frozen=True)
class Settings:
    """Runtime settings read from the environment (see .env.example)."""

    database: Path
    memory_limit: str
    threads: int
    target: str
    spark_dir: Path = DEFAULT_SPARK_DIR
    # Where `customer-value load` writes checked Parquet files for a Spark target (None: spark_dir/staging),
    # and the same folder as the Spark cluster names it (None: the same path; set both for a cluster).
    spark_staging_dir: Path | None = None
    spark_staging_uri: str | None = None

    def __post_init__(self) -> None:
        if self.spark_staging_dir is None:
            object.__setattr__(self, "spark_staging_dir", self.spark_dir / "staging")

    @classmethod
    def from_env(cls) -> Settings:
        raw_db = os.environ.get("CUSTOMER_VALUE_DB")
        database = Path(raw_db) if raw_db else DEFAULT_DB
        if not database.is_absolute():
            database = Path.cwd() / database
        threads_text = os.environ.get("CUSTOMER_VALUE_THREADS", "2")
        if not threads_text.isdigit() or int(threads_text) < 1:
            raise ValueError(f"CUSTOMER_VALUE_THREADS must be a positive whole number, not {threads_text!r}.")
        raw_spark_dir = os.environ.get("CUSTOMER_VALUE_SPARK_DIR")
        spark_dir = Path(raw_spark_dir) if raw_spark_dir else DEFAULT_SPARK_DIR
        if not spark_dir.is_absolute():
            spark_dir = Path.cwd() / spark_dir
        raw_staging = os.environ.get("CUSTOMER_VALUE_SPARK_STAGING_DIR")
        staging = Path(raw_staging) if raw_staging else None
        if staging is not None and not staging.is_absolute():
            staging = Path.cwd() / staging
        return cls(
            database=database,
            memory_limit=os.environ.get("CUSTOMER_VALUE_MEMORY_LIMIT", "4GB"),
            threads=int(threads_text),
            target=os.environ.get("CUSTOMER_VALUE_TARGET", "dev"),
            spark_dir=spark_dir,
            spark_staging_dir=staging,
            spark_staging_uri=os.environ.get("CUSTOMER_VALUE_SPARK_STAGING_URI") or None,
        )

    @property
    def target_profile(self) -> dict:
        """The dbt target's entry in profiles.yml, as written (not rendered)."""
        outputs = (yaml.safe_load(PROFILES.read_text()) or {}).get(PROFILE_NAME, {}).get("outputs", {})
        if self.target not in outputs:
            names = ", ".join(sorted(outputs))
            raise ValueError(
                f"CUSTOMER_VALUE_TARGET names target {self.target!r}, which profiles.yml does not have "
                f"(it has {names})."
            )
        return outputs[self.target]

    @property
    def target_type(self) -> str:
        """The adapter of the dbt target (`duckdb`, `spark`), as profiles.yml declares it."""
        return str(self.target_profile.get("type", ""))

    def check_target_environment(self) -> None:
        """Stop with one sentence naming every environment variable the target needs and lacks, or the
        Spark toolchain when a Spark target is used from the default (DuckDB-only) environment.

        Credentials of the cluster targets come only from the environment; dbt itself would name just
        the first missing one, in a parsing error."""
        required = sorted(set(_REQUIRED_ENV_VAR.findall(" ".join(_strings(self.target_profile)))))
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise ValueError(
                f"target {self.target} needs the environment variable{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} (README: Running on a Spark cluster)."
            )
        if self.target_type == "spark" and not all(
            importlib.util.find_spec(module) for module in ("dbt.adapters.spark", "pyspark")
        ):
            raise ValueError(
                f"target {self.target} needs dbt-spark and pyspark, which this environment lacks: run "
                "`make venv-spark` and use .venv-spark/bin/customer-value."
            )

    def dbt_env(self) -> dict[str, str]:
        """Environment variables profiles.yml reads, so dbt sees the same database as the CLI."""
        return {
            "CUSTOMER_VALUE_DB": str(self.database),
            "CUSTOMER_VALUE_MEMORY_LIMIT": self.memory_limit,
            "CUSTOMER_VALUE_THREADS": str(self.threads),
            "CUSTOMER_VALUE_TARGET": self.target,
            "CUSTOMER_VALUE_TEMP_DIR": str(self.database.parent / "tmp"),
            "CUSTOMER_VALUE_SPARK_DIR": str(self.spark_dir),
            # Local Spark binds to the loopback interface (and stops warning that the host name does).
            "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }


def _strings(node: object) -> list[str]:
    """Every string value in a nested YAML document."""
    if isinstance(node, dict):
        return [text for value in node.values() for text in _strings(value)]
    if isinstance(node, list):
        return [text for value in node for text in _strings(value)]
    return [node] if isinstance(node, str) else []

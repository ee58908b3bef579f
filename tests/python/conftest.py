"""Shared fixtures: the project's own command line run in subprocesses against throw-away databases."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from scenarios import write_bank_example

PROJECT_DIR = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "customer_value.cli"]


def run_cli(
    args: Sequence[str], database: Path, check: bool = True, **env: str
) -> subprocess.CompletedProcess:
    """Run `customer-value <args>` against `database`; fail the test with its output if it fails."""
    environment = {
        **os.environ,
        "CUSTOMER_VALUE_DB": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "COLUMNS": "200",
        **env,
    }
    result = subprocess.run(
        [*CLI, *args], cwd=PROJECT_DIR, env=environment, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        pytest.fail(
            f"customer-value {' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="session")
def bank_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """DOMAIN.md's bank example loaded and built through the whole pipeline, as of 31 December 2023."""
    directory = tmp_path_factory.mktemp("bank")
    write_bank_example(directory / "raw")
    database = directory / "bank.duckdb"
    run_cli(["load", "--from", str(directory / "raw")], database)
    run_cli(["build", "--vars", "{as_of_date: '2023-12-31'}"], database)
    return database


# --- issue 7: one `dbt parse` of the project for the documentation and semantic-layer tests ----------
@pytest.fixture(scope="session")
def project_manifest() -> dict:
    """The project parsed into its own target/, so that `mf` finds target/semantic_manifest.json naming
    the relations of the database in CUSTOMER_VALUE_TEST_DB (the build of `make test-dbt`) when set."""
    from customer_value.docs_check import parse_manifest

    named = os.environ.get("CUSTOMER_VALUE_TEST_DB")
    database = Path(named).resolve() if named else None
    return parse_manifest(PROJECT_DIR, PROJECT_DIR / "target", database=database)

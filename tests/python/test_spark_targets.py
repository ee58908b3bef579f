"""The Spark targets of profiles.yml: credentials only from the environment, and a clear sentence when
one is missing. (That the thrift and http targets render into dbt-spark credentials is checked in
tests/spark, which has dbt-spark installed.)"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR, run_cli

from customer_value.config import Settings

CLUSTER_TARGETS = ("spark_thrift", "spark_http")
CLUSTER_VARIABLES = (
    "CUSTOMER_VALUE_SPARK_HOST",
    "CUSTOMER_VALUE_SPARK_CLUSTER",
    "CUSTOMER_VALUE_SPARK_TOKEN",
)


def _outputs() -> dict:
    return yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())["customer_value"]["outputs"]


def _settings(target: str) -> Settings:
    return Settings(database=Path("unused.duckdb"), memory_limit="1GB", threads=1, target=target)


def test_cluster_targets_take_every_connection_value_from_the_environment() -> None:
    outputs = _outputs()
    for target in CLUSTER_TARGETS:
        for key in ("host", "token", "cluster", "user", "password"):
            if key in outputs[target]:
                assert re.fullmatch(
                    r"\{\{ env_var\('CUSTOMER_VALUE_SPARK_[A-Z]+'.*\}\}", outputs[target][key]
                ), f"profiles.yml, target {target}, {key}: must come from an environment variable"


@pytest.mark.parametrize(
    ("target", "needed"),
    [
        ("spark_http", "CUSTOMER_VALUE_SPARK_CLUSTER, CUSTOMER_VALUE_SPARK_HOST, CUSTOMER_VALUE_SPARK_TOKEN"),
        ("spark_thrift", "CUSTOMER_VALUE_SPARK_HOST"),
    ],
)
def test_missing_credentials_are_named_in_one_sentence(
    target: str, needed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in CLUSTER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError) as caught:
        _settings(target).check_target_environment()
    plural = "s" if "," in needed else ""
    assert str(caught.value) == (
        f"target {target} needs the environment variable{plural} {needed} "
        "(README: Running on a Spark cluster)."
    )


def test_a_set_variable_is_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_HOST", "adb-1234.5.azuredatabricks.net")
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_CLUSTER", "0123-456789-abcdefgh")
    monkeypatch.delenv("CUSTOMER_VALUE_SPARK_TOKEN", raising=False)
    with pytest.raises(ValueError, match=r"variable CUSTOMER_VALUE_SPARK_TOKEN \("):
        _settings("spark_http").check_target_environment()


def test_local_targets_need_no_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CLUSTER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for target in ("dev", "lint"):
        _settings(target).check_target_environment()
    if importlib.util.find_spec("pyspark") and importlib.util.find_spec("dbt.adapters.spark"):
        _settings("spark").check_target_environment()


@pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is not None, reason="the Spark toolchain is installed"
)
def test_spark_target_in_the_default_environment_points_to_the_spark_one() -> None:
    with pytest.raises(ValueError) as caught:
        _settings("spark").check_target_environment()
    assert str(caught.value) == (
        "target spark needs dbt-spark and pyspark, which this environment lacks: run `make venv-spark` "
        "and use .venv-spark/bin/customer-value."
    )


def test_cli_stops_before_dbt_when_a_credential_is_missing(tmp_path: Path) -> None:
    environment = {name: "" for name in CLUSTER_VARIABLES}
    result = run_cli(
        ["build"], tmp_path / "unused.duckdb", check=False, CUSTOMER_VALUE_TARGET="spark_http", **environment
    )
    assert result.returncode == 1
    assert (
        "error: target spark_http needs the environment variables CUSTOMER_VALUE_SPARK_CLUSTER"
        in result.stderr
    )


def test_an_unknown_target_is_named(tmp_path: Path) -> None:
    result = run_cli(
        ["load", "--from", str(tmp_path)],
        tmp_path / "unused.duckdb",
        check=False,
        CUSTOMER_VALUE_TARGET="prod",
    )
    assert result.returncode == 1
    assert "CUSTOMER_VALUE_TARGET names target 'prod', which profiles.yml does not have" in result.stderr


def test_a_metastore_held_by_another_process_is_reported(tmp_path: Path) -> None:
    """Derby locks metastore_db/dbex.lck while a Spark process has it open; a second process must be told
    so in a sentence instead of a Java trace. A child process stands in for the other Spark run."""
    import subprocess
    import sys

    from customer_value.spark import metastore_in_use_elsewhere

    settings = Settings(
        database=tmp_path / "unused.duckdb", memory_limit="1GB", threads=1, target="spark", spark_dir=tmp_path
    )
    assert not metastore_in_use_elsewhere(settings)  # no metastore yet
    lock = tmp_path / "metastore_db" / "dbex.lck"
    lock.parent.mkdir()
    lock.write_bytes(b"")
    assert not metastore_in_use_elsewhere(settings)  # left behind by a process that ended
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time\n"
            f"handle = open({str(lock)!r}, 'r+b')\n"
            "fcntl.lockf(handle, fcntl.LOCK_EX)\n"
            "print('locked', flush=True)\n"
            "time.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert metastore_in_use_elsewhere(settings)
    finally:
        holder.kill()
        holder.wait()
    assert not metastore_in_use_elsewhere(settings)

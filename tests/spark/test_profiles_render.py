"""The Spark targets render into dbt-spark credentials, with every connection value from the environment.

Nothing here connects to a cluster: there is none to connect to. Missing credentials are covered in
tests/python/test_spark_targets.py (they stop the command line before dbt runs); here dbt itself is
checked to stop, naming the variable, when the project's check is bypassed.
"""

from __future__ import annotations

import os
from argparse import Namespace

import pytest
import yaml
from conftest import PROJECT_DIR
from dbt.config.profile import Profile
from dbt.config.renderer import ProfileRenderer
from dbt.exceptions import EnvVarMissingError
from dbt.flags import set_from_args
from dbt_common.context import set_invocation_context

CLUSTER_ENVIRONMENT = {
    "CUSTOMER_VALUE_SPARK_HOST": "adb-1234567890123456.7.azuredatabricks.net",
    "CUSTOMER_VALUE_SPARK_CLUSTER": "0123-456789-abcdefgh",
    "CUSTOMER_VALUE_SPARK_TOKEN": "dapi-not-a-real-token",
}


def _render(target: str) -> Profile:
    set_invocation_context(dict(os.environ))
    set_from_args(Namespace(), None)
    raw = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    return Profile.from_raw_profiles(raw, "customer_value", ProfileRenderer({}), target_override=target)


@pytest.fixture
def cluster_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in CLUSTER_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    for name in ("CUSTOMER_VALUE_SPARK_PORT", "CUSTOMER_VALUE_SPARK_USER", "CUSTOMER_VALUE_SPARK_SCHEMA"):
        monkeypatch.delenv(name, raising=False)


def test_http_target_renders_from_the_environment(cluster_environment: None) -> None:
    credentials = _render("spark_http").credentials
    assert credentials.method == "http"
    assert credentials.host == CLUSTER_ENVIRONMENT["CUSTOMER_VALUE_SPARK_HOST"]
    assert credentials.cluster == CLUSTER_ENVIRONMENT["CUSTOMER_VALUE_SPARK_CLUSTER"]
    assert credentials.token == CLUSTER_ENVIRONMENT["CUSTOMER_VALUE_SPARK_TOKEN"]
    assert (credentials.port, credentials.schema) == (443, "default")


def test_thrift_target_renders_from_the_environment(
    cluster_environment: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_PORT", "10001")
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_USER", "analyst")
    credentials = _render("spark_thrift").credentials
    assert (credentials.method, credentials.port, credentials.user) == ("thrift", 10001, "analyst")
    assert credentials.host == CLUSTER_ENVIRONMENT["CUSTOMER_VALUE_SPARK_HOST"]


def test_dbt_names_the_missing_variable(cluster_environment: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CUSTOMER_VALUE_SPARK_TOKEN")
    with pytest.raises(
        EnvVarMissingError, match="Env var required but not provided: 'CUSTOMER_VALUE_SPARK_TOKEN'"
    ):
        _render("spark_http")


def test_session_target_keeps_warehouse_and_metastore_in_its_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CUSTOMER_VALUE_SPARK_DIR", "/tmp/run-42/spark")
    parameters = _render("spark").credentials.server_side_parameters
    assert parameters["spark.sql.warehouse.dir"] == "/tmp/run-42/spark/warehouse"
    assert parameters["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        "jdbc:derby:;databaseName=/tmp/run-42/spark/metastore_db;create=true"
    )
    assert "-Dderby.system.home=/tmp/run-42/spark" in parameters["spark.driver.extraJavaOptions"]
    assert parameters["spark.sql.session.timeZone"] == "UTC"

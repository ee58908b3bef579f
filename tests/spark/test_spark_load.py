"""The loader on a Spark target: the same checks as on DuckDB, the contract's types in Spark, timestamps
unshifted, and a failed write that leaves the previous raw tables as they were.

Everything runs in this process, so one local Spark session (and its Derby metastore, in a folder of
this test run) serves every step.
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import pytest
from scenarios import write_bank_example

from customer_value.config import Settings
from customer_value.contract import LOADER_COLUMNS, raw_tables
from customer_value.load import LoadError, load_directory_to_spark
from customer_value.parity import neutral_type
from customer_value.spark import spark_session


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    directory = tmp_path_factory.mktemp("spark-load")
    return Settings(
        database=directory / "unused.duckdb",
        memory_limit="1GB",
        threads=1,
        target="spark",
        spark_dir=directory / "spark",
    )


@pytest.fixture(scope="module")
def bank_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bank") / "raw"
    write_bank_example(directory)
    return directory


@pytest.fixture(scope="module")
def loaded(settings: Settings, bank_files: Path):
    counts = load_directory_to_spark(bank_files, settings)
    return counts, spark_session(settings)


def test_every_table_is_loaded_with_the_contracts_types(loaded) -> None:
    counts, spark = loaded
    # issue 10: plus raw.load_rejects, the rows whose values do not cast (none here)
    assert set(counts) == set(raw_tables()) | {"load_rejects"} and counts["load_rejects"] == 0
    # DOMAIN.md's bank: two customers, 60 activities (12 statements + 12 visits + 6 calls each), no surveys
    assert counts["customers"] == 2 and counts["activities"] == 60 and counts["surveys"] == 0
    for name, table in raw_tables().items():
        fields = spark.table(f"raw.{name}").schema.fields
        declared = [(c.name, neutral_type(c.data_type)) for c in table.columns]
        declared += [(column, neutral_type(kind)) for column, kind in LOADER_COLUMNS.items()]
        assert [(f.name, neutral_type(f.dataType.simpleString())) for f in fields] == declared, name
        assert spark.table(f"raw.{name}").count() == counts[name], name


def test_timestamps_arrive_as_written(loaded, bank_files: Path) -> None:
    _, spark = loaded
    with (bank_files / "activities.csv").open() as handle:
        first = next(csv.DictReader(handle))
    row = (
        spark.table("raw.activities")
        .where(f"activity_id = '{first['activity_id']}'")
        .selectExpr("cast(activity_at as string) as activity_at", "_source_file")
        .collect()[0]
    )
    written = datetime.fromisoformat(first["activity_at"])
    assert datetime.fromisoformat(row["activity_at"]) == written
    assert row["_source_file"] == "activities.csv"


def test_failed_write_leaves_the_previous_raw_tables(loaded, settings: Settings, bank_files: Path) -> None:
    _, spark = loaded
    before = {name: spark.table(f"raw.{name}").count() for name in raw_tables()}
    # The cluster is told to read the checked files where there are none: the write fails after every
    # check passed, the worst moment.
    broken = Settings(**{**settings.__dict__, "spark_staging_uri": str(settings.spark_dir / "nowhere")})
    with pytest.raises(LoadError, match="loading into Spark target spark failed"):
        load_directory_to_spark(bank_files, broken)
    after = {name: spark.table(f"raw.{name}").count() for name in raw_tables()}
    assert after == before
    assert [t.name for t in spark.catalog.listTables("raw") if t.name.endswith("__loading")] == []


def test_bad_value_is_named_before_spark_is_touched(
    settings: Settings, bank_files: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "raw"
    broken.mkdir()
    for path in bank_files.iterdir():
        text = path.read_text()
        if path.name == "customers.csv":
            text = text.replace(",0,\n", ",zero,\n", 1)
            assert ",zero," in text
        (broken / path.name).write_text(text)
    # strict: stop at the value (by default it is quarantined into raw.load_rejects instead, issue 10)
    with pytest.raises(
        LoadError, match=r"customers.csv, line 2 .*column payment_terms_days: 'zero' is not a valid"
    ):
        load_directory_to_spark(broken, settings, strict=True)

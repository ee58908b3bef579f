"""The loader: every table or none, and a clear message naming the file, the column and the row."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import run_cli
from scenarios import write_bank_example

from customer_value.contract import raw_tables
from customer_value.load import LoadError, load_directory


@pytest.fixture
def bank_files(tmp_path: Path) -> Path:
    directory = tmp_path / "raw"
    write_bank_example(directory)
    return directory


def _rewrite_csv(path: Path, change) -> None:
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    fieldnames, rows = change(list(rows[0].keys()), rows)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(rows)


def _counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            name: connection.execute(f"select count(*) from raw.{name}").fetchone()[0]
            for name in raw_tables()
        }


def test_loads_every_table_with_loader_columns(bank_files: Path, tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    counts = load_directory(bank_files, database)
    assert set(counts) == set(raw_tables()) | {"load_rejects"}
    assert counts["load_rejects"] == 0
    assert counts["customers"] == 2 and counts["activities"] == 60 and counts["surveys"] == 0
    with duckdb.connect(str(database), read_only=True) as connection:
        columns = [row[0] for row in connection.execute("describe raw.customers").fetchall()]
        files = connection.execute("select distinct _source_file from raw.activities").fetchall()
    assert columns == [c.name for c in raw_tables()["customers"].columns] + ["_loaded_at", "_source_file"]
    assert files == [("activities.csv",)]


def test_missing_file_is_named(bank_files: Path, tmp_path: Path) -> None:
    (bank_files / "order_lines.csv").unlink()
    with pytest.raises(LoadError, match=r"no file for raw table order_lines \(expected order_lines.parquet"):
        load_directory(bank_files, tmp_path / "w.duckdb")


def test_missing_column_names_file_and_column(bank_files: Path, tmp_path: Path) -> None:
    _rewrite_csv(
        bank_files / "customers.csv",
        lambda names, rows: (
            [n for n in names if n != "segment"],
            [{k: v for k, v in r.items() if k != "segment"} for r in rows],
        ),
    )
    with pytest.raises(LoadError, match=r"customers.csv: column segment missing \(raw.customers requires it"):
        load_directory(bank_files, tmp_path / "w.duckdb")


def test_bad_value_names_file_line_and_column(bank_files: Path, tmp_path: Path) -> None:
    def corrupt(names, rows):
        rows[6]["duration_minutes"] = "twelve"
        return names, rows

    _rewrite_csv(bank_files / "activities.csv", corrupt)
    with pytest.raises(LoadError) as caught:
        load_directory(bank_files, tmp_path / "w.duckdb", strict=True)
    message = str(caught.value)
    assert (
        "activities.csv, line 8 (data row 7), column duration_minutes: 'twelve' is not a valid decimal(10,2)"
        in (message)
    )


def test_failed_load_leaves_previous_raw_data_untouched(bank_files: Path, tmp_path: Path) -> None:
    database = tmp_path / "w.duckdb"
    load_directory(bank_files, database)
    before = _counts(database)
    second = tmp_path / "second"
    shutil.copytree(bank_files, second)
    (second / "customers.csv").write_text((bank_files / "customers.csv").read_text() + "X,2024-01-01,,,,0\n")

    def corrupt(names, rows):
        rows[-1]["signup_date"] = "not a date"
        return names, rows

    _rewrite_csv(second / "customers.csv", corrupt)
    with pytest.raises(LoadError, match="signup_date: 'not a date' is not a valid date"):
        load_directory(second, database, strict=True)
    assert _counts(database) == before


def test_parquet_folder_of_parts_and_optional_columns(bank_files: Path, tmp_path: Path) -> None:
    # activities as a folder of two Parquet parts, without the optional columns
    with (bank_files / "activities.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    (bank_files / "activities.csv").unlink()
    folder = bank_files / "activities"
    folder.mkdir()
    for part, chunk in enumerate([rows[:25], rows[25:]]):
        table = pa.table(
            {
                "activity_id": [r["activity_id"] for r in chunk],
                "customer_id": [r["customer_id"] for r in chunk],
                "activity_at": pa.array([r["activity_at"] for r in chunk]).cast(pa.timestamp("us")),
                "activity_type": [r["activity_type"] for r in chunk],
            }
        )
        pq.write_table(table, folder / f"part-{part:05d}.parquet")
    database = tmp_path / "w.duckdb"
    counts = load_directory(bank_files, database)
    assert counts["activities"] == 60
    with duckdb.connect(str(database), read_only=True) as connection:
        nulls = connection.execute(
            "select count(*) filter (where duration_minutes is null), count(distinct _source_file) "
            "from raw.activities"
        ).fetchone()
    assert nulls == (60, 2)


def test_cli_exits_non_zero_with_one_sentence(bank_files: Path, tmp_path: Path) -> None:
    (bank_files / "employees.csv").unlink()
    result = run_cli(["load", "--from", str(bank_files)], tmp_path / "w.duckdb", check=False)
    assert result.returncode == 1
    assert "error: " in result.stderr and "no file for raw table employees" in result.stderr


def test_bad_value_is_quarantined_by_default(bank_files: Path, tmp_path: Path) -> None:
    """issue 10: without --strict the row with the bad value goes to raw.load_rejects, the rest loads."""

    def corrupt(names, rows):
        rows[6]["duration_minutes"] = "twelve"
        return names, rows

    _rewrite_csv(bank_files / "activities.csv", corrupt)
    database = tmp_path / "w.duckdb"
    counts = load_directory(bank_files, database)
    assert counts["activities"] == 59 and counts["load_rejects"] == 1
    with duckdb.connect(str(database), read_only=True) as connection:
        reject = connection.execute(
            "select table_name, source_file, source_row, row_key, column_name, raw_value, reason_code "
            "from raw.load_rejects"
        ).fetchone()
    assert reject == (
        "activities",
        "activities.csv",
        7,
        "BANK-A-03-branch_visit",
        "duration_minutes",
        "twelve",
        "unparseable_value",
    )

"""issue 10: property-based tests (hypothesis) of the loader on malformed CSV files.

Whatever the cells of a file hold, a load either succeeds or stops with a LoadError (never another
exception, never half a load); when it succeeds every data row of the file is either loaded or in
raw.load_rejects, and strict mode fails exactly when something was quarantined.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console
from scenarios import write_bank_example

from customer_value.contract import raw_tables
from customer_value.load import LoadError, load_directory

COLUMNS = [c.name for c in raw_tables()["customers"].columns]

# Cells: valid values of each type, and junk (separators, quotes, line breaks, other scripts, blanks).
JUNK = st.text(
    alphabet=st.sampled_from(list("0123456789-/.:,;|\"' \t\nabcXYZéß€中")), min_size=0, max_size=12
)
CELL = {
    "customer_id": st.one_of(st.from_regex(r"C[0-9]{1,4}", fullmatch=True), JUNK),
    "signup_date": st.one_of(st.dates().map(lambda d: d.isoformat()), JUNK),
    "payment_terms_days": st.one_of(st.integers(-5, 120).map(str), JUNK),
    "credit_limit": st.one_of(st.decimals(0, 10**6, places=2).map(str), JUNK),
}
ROW = st.fixed_dictionaries({name: CELL.get(name, JUNK) for name in COLUMNS})


@pytest.fixture(scope="module")
def bank_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bank_raw")
    write_bank_example(directory)
    return directory


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _quiet_load(directory: Path, database: Path, strict: bool) -> dict[str, int] | None:
    try:
        return load_directory(directory, database, console=Console(quiet=True), strict=strict)
    except LoadError:
        return None


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6))
def test_every_row_is_loaded_or_quarantined_and_strict_fails_exactly_then(
    bank_files: Path, rows: list[dict[str, str]]
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "raw"
        shutil.copytree(bank_files, directory)
        _write_rows(directory / "customers.csv", rows)
        database = Path(scratch) / "w.duckdb"
        counts = _quiet_load(directory, database, strict=False)
        if counts is None:
            return  # a LoadError naming the file (checked below for the strict mode's message)
        with duckdb.connect(str(database), read_only=True) as connection:
            rejected = connection.execute(
                "select count(*) from raw.load_rejects where table_name = 'customers'"
            ).fetchone()[0]
        assert counts["customers"] + rejected == len(rows)
        strict = _quiet_load(directory, Path(scratch) / "strict.duckdb", strict=True)
        assert (strict is None) == (rejected > 0)


# Structural damage: a line of arbitrary text (ragged fields, a stray quote, binary) inserted into a
# valid file.
DAMAGE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=40
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=DAMAGE, where=st.integers(min_value=1, max_value=60), strict=st.booleans())
def test_a_damaged_file_loads_or_stops_with_load_error_and_changes_nothing(
    bank_files: Path, damage: str, where: int, strict: bool
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "raw"
        shutil.copytree(bank_files, directory)
        database = Path(scratch) / "w.duckdb"
        assert _quiet_load(directory, database, strict=True) is not None
        with duckdb.connect(str(database), read_only=True) as connection:
            before = connection.execute("select count(*), max(_loaded_at) from raw.activities").fetchone()
        path = directory / "activities.csv"
        lines = path.read_text().splitlines(keepends=True)
        lines.insert(min(where, len(lines)), damage + "\n")
        path.write_text("".join(lines))
        try:
            counts = load_directory(directory, database, console=Console(quiet=True), strict=strict)
        except LoadError as error:
            assert str(error)  # one sentence for the user
            with duckdb.connect(str(database), read_only=True) as connection:
                after = connection.execute("select count(*), max(_loaded_at) from raw.activities").fetchone()
            assert after == before, "a failed load changed the raw tables"
            return
        with duckdb.connect(str(database), read_only=True) as connection:
            rejected = connection.execute(
                "select count(*) from raw.load_rejects where table_name = 'activities'"
            ).fetchone()[0]
        assert counts["activities"] + rejected >= before[0]

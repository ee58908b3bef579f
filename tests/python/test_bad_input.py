"""issue 10: the bad-input suite. One generated data set with every class of bad input written into
it (customer_value.generate.bad_data) is loaded and built once; each class then has its own test: its
rows are quarantined with the right reason and are nowhere in staging, the raw data reconciles with
accepted + rejected rows (a dbt test the build ran), and the rest of the data still built."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import run_cli

from customer_value.contract import raw_tables
from customer_value.generate.bad_data import BAD_INPUT_CLASSES, ZERO_CAPACITY, write_bad_dataset

STAGING = {
    "order_lines": ("stg_erp__order_lines", "order_line_id"),
    "activities": ("stg_crm__activities", "activity_id"),
    "customers": ("stg_erp__customers", "customer_id"),
    "payments": ("stg_erp__payments", "payment_id"),
}


@pytest.fixture(scope="session")
def bad_warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list[str]]]:
    directory = tmp_path_factory.mktemp("bad_input")
    expected = write_bad_dataset(directory / "raw", customers=150, seed=11)
    database = directory / "bad.duckdb"
    loaded = run_cli(["load", "--from", str(directory / "raw")], database)
    assert "rows have a value that does not cast" in loaded.stderr
    # every model and data test (the reconciliation and threshold tests among them); the unit tests do
    # not depend on the data and run in make test-dbt
    run_cli(["build", "--exclude", "resource_type:unit_test"], database)
    return database, expected


def _query(database: Path, sql: str, *parameters: object) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql, list(parameters)).fetchall()


@pytest.mark.parametrize("bad", BAD_INPUT_CLASSES, ids=[bad.name for bad in BAD_INPUT_CLASSES])
def test_bad_input_is_quarantined_with_its_reason(bad, bad_warehouse) -> None:
    database, expected = bad_warehouse
    keys = expected[bad.name]
    marker = f"BAD-{bad.name}-"
    rows = _query(
        database,
        "select table_name, reason_code, row_key from quality.rpt_rejected_rows "
        "where row_key in (select unnest(?)) or raw_values like ?",
        [k for k in keys if k],
        f"%{marker}%",
    )
    assert rows, f"no rejected row for {bad.name} ({bad.description})"
    assert {(table, reason) for table, reason, _ in rows} == {(bad.table, bad.reason)}, rows
    if bad.name == "conflicting_duplicate":
        assert len(rows) >= 2, "every copy of a conflicting key is rejected, not only the newer one"
    model, key = STAGING[bad.table]
    accepted = _query(
        database,
        f"select count(*) from staging.{model} where {key} in (select unnest(?))",
        [k for k in keys if k],
    )[0][0]
    assert accepted == 0, f"{bad.name}: a rejected row reached staging.{model}"


def test_every_raw_row_is_accepted_or_rejected(bad_warehouse) -> None:
    """The build ran assert_raw_reconciles_with_accepted_and_rejected; check the row counts here too,
    from the files' side: rows written = rows loaded + rows the loader quarantined."""
    database, _ = bad_warehouse
    directory = database.parent / "raw"
    for name in raw_tables():
        with (directory / f"{name}.csv").open() as handle:
            written = sum(1 for _ in handle) - 1
        loaded = _query(database, f"select count(*) from raw.{name}")[0][0]
        unloadable = _query(database, "select count(*) from raw.load_rejects where table_name = ?", name)[0][
            0
        ]
        assert written == loaded + unloadable, name
    rejects = _query(database, "select sum(rejected_rows) from quality.rpt_rejected_rows_summary")[0][0]
    assert rejects == _query(database, "select count(*) from quality.rpt_rejected_rows")[0][0]


def test_the_rest_of_the_data_still_builds(bad_warehouse) -> None:
    database, _ = bad_warehouse
    customers = _query(database, "select count(*) from marts.dim_customers")[0][0]
    accepted = _query(database, "select count(*) from staging.stg_erp__customers")[0][0]
    assert customers == accepted == 150
    assert _query(database, "select count(*) from marts.fct_customer_profitability_monthly")[0][0] > 0
    # no infinity or NaN reached a mart's doubles
    for table, column in _query(
        database,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'DOUBLE'",
    ):
        bad = _query(
            database, f'select count(*) from marts."{table}" where isinf("{column}") or isnan("{column}")'
        )
        assert bad[0][0] == 0, f"marts.{table}.{column} has infinity or NaN"


def test_a_resource_without_capacity_is_reported_not_divided_by(bad_warehouse) -> None:
    """A team whose employees all work 0 FTE: no rate (null, not infinity), its activities cost 0 and
    are flagged, and its minutes are reported as unrated in rpt_unused_capacity_monthly."""
    database, expected = bad_warehouse
    (resource,) = expected[ZERO_CAPACITY]
    rated = _query(
        database,
        "select count(*) filter (where cost_per_minute is not null), count(*) "
        "from intermediate.int_resource_capacity_costs where resource_id = ?",
        resource,
    )[0]
    assert rated[0] == 0 and rated[1] > 0
    unrated = _query(
        database,
        "select sum(unrated_minutes) from marts.rpt_unused_capacity_monthly where resource_id = ?",
        resource,
    )[0][0]
    assert unrated and unrated > 0
    costs = _query(
        database,
        "select count(*), sum(activity_cost) from intermediate.int_activities_costed "
        "where resource_id = ? and not has_capacity_rate",
        resource,
    )[0]
    assert costs[0] > 0 and costs[1] == 0


def test_a_high_reject_rate_fails_naming_table_and_reason(bad_warehouse, tmp_path: Path) -> None:
    database, _ = bad_warehouse
    copy = tmp_path / "bad.duckdb"
    copy.write_bytes(database.read_bytes())
    result = run_cli(
        [
            "build",
            "--select",
            "rpt_rejected_rows_summary",
            "--vars",
            "{reject_rate_thresholds: {order_lines.unknown_currency: 0.0001}}",
        ],
        copy,
        check=False,
    )
    assert result.returncode == 1
    assert "raw.order_lines: 1 of" in result.stdout and "rejected as unknown_currency" in result.stdout, (
        result.stdout[-3000:]
    )


def test_readme_lists_every_reason_code() -> None:
    """The README's table of bad input names every reason code rpt_rejected_rows accepts."""
    import yaml
    from conftest import PROJECT_DIR

    models = yaml.safe_load((PROJECT_DIR / "models/quality/_quality__models.yml").read_text())["models"]
    column = next(c for c in models[0]["columns"] if c["name"] == "reason_code")
    codes = next(t for t in column["data_tests"] if isinstance(t, dict))["accepted_values"]["arguments"][
        "values"
    ]
    readme = (PROJECT_DIR / "README.md").read_text()
    section = readme[readme.index("## Bad input, faults and readers") :]
    assert [code for code in codes if f"`{code}`" not in section] == []
    assert {bad.reason for bad in BAD_INPUT_CLASSES} <= set(codes)

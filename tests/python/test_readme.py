"""The README stays true: its raw-data table is what `customer-value schema --markdown` prints."""

from __future__ import annotations

from click.testing import CliRunner
from conftest import PROJECT_DIR

from customer_value.cli import main


def test_readme_schema_matches_the_source_declarations() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    start, end = readme.index("<!-- schema:start -->"), readme.index("<!-- schema:end -->")
    documented = readme[start + len("<!-- schema:start -->") : end].strip()
    printed = CliRunner().invoke(main, ["schema", "--markdown"]).output.strip()
    assert documented == printed, "README's raw-data table is stale: paste `customer-value schema --markdown`"


def test_readme_shows_both_contract_commands() -> None:
    readme = (PROJECT_DIR / "README.md").read_text()
    assert "make run" in readme and "make test" in readme

"""CI fails when a mart or one of its columns has no description (issue 7)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

from customer_value.docs_check import documentation_problems, mart_nodes, parse_manifest


@pytest.fixture(scope="module")
def manifest() -> dict:
    return parse_manifest(PROJECT_DIR)


def test_every_mart_and_column_is_described_and_contracted(manifest: dict) -> None:
    marts = mart_nodes(manifest)
    assert len(marts) >= 16, f"expected the profitability and customer-value marts, found {len(marts)}"
    problems = documentation_problems(manifest)
    assert not problems, "undocumented marts or columns:\n" + "\n".join(problems)


def test_overview_page_and_shared_definitions(manifest: dict) -> None:
    docs = {
        block["name"]: block["block_contents"]
        for block in manifest["docs"].values()
        if block["package_name"] == "customer_value"
    }
    assert "customer_value" in docs.get("__overview__", ""), "docs/overview.md must define __overview__"
    for name in ("cost_to_serve", "contribution_margin", "clv_probability_alive", "customer_profit"):
        assert docs.get(name, "").strip(), f"doc block {name} is missing"


def test_a_missing_column_description_is_reported(tmp_path: Path) -> None:
    """The check can fail: drop one column description from a copy of the project."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml", "selectors.yml", "models", "macros", "seeds", "docs"):
        source = PROJECT_DIR / name
        if source.is_dir():
            shutil.copytree(source, project / name)
        else:
            shutil.copy2(source, project / name)
    schema = project / "models/marts/profitability/_profitability__models.yml"
    text = schema.read_text()
    described = "      - name: discounts\n        data_type: decimal(18, 2)\n        description: >-\n"
    assert described in text
    schema.write_text(
        text.replace(described, "      - name: discounts\n        data_type: decimal(18, 2)\n", 1)
    )
    problems = documentation_problems(parse_manifest(project))
    assert problems == ["column fct_customer_profitability_monthly.discounts has no description"]

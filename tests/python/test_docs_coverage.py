"""CI fails when a mart or one of its columns has no description (issue 7)."""

from __future__ import annotations

import copy

import pytest

from customer_value.docs_check import documentation_problems, mart_nodes, primary_key, primary_key_problems


@pytest.fixture(scope="module")
def manifest(project_manifest: dict) -> dict:
    return project_manifest


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


def test_a_missing_column_description_is_reported(project_manifest: dict) -> None:
    """The check can fail: the same manifest with one column description and one mart description blanked."""
    manifest = copy.deepcopy(project_manifest)
    node = next(node for node in mart_nodes(manifest) if node["name"] == "fct_customer_profitability_monthly")
    node["columns"]["discounts"]["description"] = ""
    other = next(node for node in mart_nodes(manifest) if node["name"] == "dim_customers")
    other["description"] = " "
    other["config"]["contract"]["enforced"] = False
    problems = documentation_problems(manifest)
    assert problems[:2] == [
        "mart dim_customers (models/marts/profitability/dim_customers.sql) has no description",
        "mart dim_customers (models/marts/profitability/dim_customers.sql) has no enforced contract, so its "
        "documented columns may not be the columns it builds (set contract.enforced and a data_type on every "
        "column)",
    ]
    assert problems[2:] == ["column fct_customer_profitability_monthly.discounts has no description"]


def test_every_primary_key_is_checked_by_a_uniqueness_test(manifest: dict) -> None:
    """On DuckDB no mart builds an index for its primary key (macros/constraints.sql); its uniqueness
    test is what enforces it, so every declared key needs one."""
    keyed = {node["name"] for node in mart_nodes(manifest) if primary_key(node)}
    largest = {"dim_customers", "fct_customer_profitability_monthly", "fct_customer_product_profitability"}
    assert largest <= keyed
    assert primary_key_problems(manifest) == []


def test_a_primary_key_without_a_uniqueness_test_is_reported(project_manifest: dict) -> None:
    """The check can fail: the manifest without the product mart's uniqueness test."""
    manifest = copy.deepcopy(project_manifest)
    mart = next(node for node in mart_nodes(manifest) if node["name"] == "fct_customer_product_profitability")
    for unique_id, node in list(manifest["nodes"].items()):
        if (
            node.get("attached_node") == mart["unique_id"]
            and (node.get("test_metadata") or {}).get("name") == "unique_combination_of_columns"
        ):
            del manifest["nodes"][unique_id]
    assert primary_key_problems(manifest) == [
        "mart fct_customer_product_profitability "
        "(models/marts/profitability/fct_customer_product_profitability.sql) "
        "declares primary key ['customer_id', 'period_month', 'product_id'] but no unique or "
        "unique_combination_of_columns test checks exactly those columns"
    ]

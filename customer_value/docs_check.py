"""Documentation coverage of the marts: every mart and every one of its columns has a description, and
every mart has an enforced contract (so its documented columns are exactly the columns it builds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from customer_value.config import PROJECT_DIR


def parse_manifest(
    project_dir: Path = PROJECT_DIR, target_path: Path | None = None, database: Path | None = None
) -> dict:
    """`dbt parse` of the project into `target_path` (default: a throw-away folder); the parsed manifest.
    No database is opened: with `database`, the default target names that DuckDB file (the relations of
    target/semantic_manifest.json, which MetricFlow's `mf` reads, carry its name); without, the in-memory
    `lint` target."""
    dbt = Path(sys.executable).parent / "dbt"
    with tempfile.TemporaryDirectory(prefix="cv-docs-") as scratch:
        target = str(target_path or scratch)
        environment = {
            **os.environ,
            "CUSTOMER_VALUE_TARGET": "lint",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        if database is not None:
            environment.update(CUSTOMER_VALUE_TARGET="dev", CUSTOMER_VALUE_DB=str(database))
        result = subprocess.run(
            [
                str(dbt),
                "parse",
                "--project-dir",
                str(project_dir),
                "--profiles-dir",
                str(project_dir),
                "--target-path",
                target,
                "--log-path",
                target,
            ],
            cwd=project_dir,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return json.loads((Path(target) / "manifest.json").read_text())


def mart_nodes(manifest: dict) -> list[dict]:
    """The models of the marts layer (models/marts/**), enabled ones only."""
    return sorted(
        (
            node
            for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["fqn"][1:2] == ["marts"]
        ),
        key=lambda node: node["name"],
    )


def documentation_problems(manifest: dict) -> list[str]:
    """One sentence per mart or mart column without a description, or mart without an enforced contract."""
    problems = []
    for node in mart_nodes(manifest):
        name, path = node["name"], node["original_file_path"]
        if not node["description"].strip():
            problems.append(f"mart {name} ({path}) has no description")
        if not node["columns"]:
            problems.append(f"mart {name} ({path}) documents no columns")
        if not node["config"].get("contract", {}).get("enforced"):
            problems.append(
                f"mart {name} ({path}) has no enforced contract, so its documented columns may not be the "
                "columns it builds (set contract.enforced and a data_type on every column)"
            )
        for column in node["columns"].values():
            if not (column.get("description") or "").strip():
                problems.append(f"column {name}.{column['name']} has no description")
            if not column.get("data_type"):
                problems.append(f"column {name}.{column['name']} has no data_type")
    return problems


def primary_key(node: dict) -> list[str]:
    """The columns of a model's primary key constraint (model- or column-level); [] when it has none."""
    for constraint in node.get("constraints", []):
        if constraint["type"] == "primary_key":
            return list(constraint["columns"])
    return [
        column["name"]
        for column in node["columns"].values()
        if any(constraint["type"] == "primary_key" for constraint in column.get("constraints", []))
    ]


def primary_key_problems(manifest: dict) -> list[str]:
    """One sentence per mart whose primary key no data test checks. The key is declared in the contract;
    on DuckDB no mart gets an index for it (macros/constraints.sql), so the test is what keeps the key
    unique. A key is checked by `unique` on its one column or by
    `unique_combination_of_columns` on exactly its columns."""
    checked: dict[str, list[set[str]]] = {}
    for test in manifest["nodes"].values():
        metadata = test.get("test_metadata") or {}
        if test["resource_type"] != "test" or not test.get("attached_node"):
            continue
        kwargs = metadata.get("kwargs", {})
        if metadata.get("name") == "unique":
            columns = {kwargs.get("column_name")}
        elif metadata.get("name") == "unique_combination_of_columns":
            columns = set(kwargs.get("combination_of_columns", []))
        else:
            continue
        checked.setdefault(test["attached_node"], []).append(columns)
    problems = []
    for node in mart_nodes(manifest):
        key = primary_key(node)
        if key and set(key) not in checked.get(node["unique_id"], []):
            problems.append(
                f"mart {node['name']} ({node['original_file_path']}) declares primary key {key} but no "
                "unique or unique_combination_of_columns test checks exactly those columns"
            )
    return problems

"""The raw-data contract: which tables and columns the pipeline expects, read from the dbt sources.

The source YAML files under models/staging/ are the single place the raw tables are declared. The
loader validates files against them, the generator writes files that match them, and
`customer-value schema` prints them for people bringing their own data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from customer_value.config import PROJECT_DIR

SOURCES_GLOB = "models/staging/*/_*__sources.yml"
# Columns the loader adds to every raw table; files must not need to carry them.
LOADER_COLUMNS = {"_loaded_at": "timestamp", "_source_file": "string"}


@dataclass(frozen=True)
class RawColumn:
    name: str
    data_type: str
    description: str
    optional: bool
    pii: bool


@dataclass(frozen=True)
class RawTable:
    source: str
    name: str
    description: str
    columns: tuple[RawColumn, ...]
    primary_key: tuple[str, ...]
    optional: bool
    load_mode: str = "full"

    @property
    def required_columns(self) -> tuple[RawColumn, ...]:
        return tuple(c for c in self.columns if not c.optional)

    def column(self, name: str) -> RawColumn:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"raw.{self.name} has no column {name!r}")


def _meta(node: dict) -> dict:
    return (node.get("config") or {}).get("meta") or node.get("meta") or {}


# `config.meta.load_mode` of a raw table: `full` (the default) for the tables `customer-value load` loads,
# `transactions` for raw.transactions, which only `customer-value run --transactions FILE` loads.
FULL_LOAD = "full"
TRANSACTIONS_LOAD = "transactions"


def raw_tables(project_dir: Path = PROJECT_DIR) -> dict[str, RawTable]:
    """The raw tables of the full pipeline (what `customer-value load` loads), keyed by table name."""
    return {
        name: table for name, table in declared_tables(project_dir).items() if table.load_mode == FULL_LOAD
    }


def transactions_table(project_dir: Path = PROJECT_DIR) -> RawTable:
    """raw.transactions, the one table of the transactions-only mode."""
    for table in declared_tables(project_dir).values():
        if table.load_mode == TRANSACTIONS_LOAD:
            return table
    raise FileNotFoundError(
        f"no raw table with load_mode {TRANSACTIONS_LOAD!r} under {project_dir / SOURCES_GLOB}"
    )


@cache
def declared_tables(project_dir: Path = PROJECT_DIR) -> dict[str, RawTable]:
    """Every raw table declared in the sources, keyed by table name."""
    tables: dict[str, RawTable] = {}
    for path in sorted(project_dir.glob(SOURCES_GLOB)):
        document = yaml.safe_load(path.read_text()) or {}
        for source in document.get("sources", []):
            if source.get("schema") != "raw":
                continue
            for table in source.get("tables", []):
                meta = _meta(table)
                columns = tuple(
                    RawColumn(
                        name=column["name"],
                        data_type=column["data_type"],
                        description=" ".join(str(column.get("description", "")).split()),
                        optional=bool(_meta(column).get("optional", False)),
                        pii=bool(_meta(column).get("pii", False)),
                    )
                    for column in table.get("columns", [])
                )
                name = table["name"]
                if name in tables:
                    raise ValueError(f"raw table {name!r} is declared twice (second time in {path}).")
                tables[name] = RawTable(
                    source=source["name"],
                    name=name,
                    description=" ".join(str(table.get("description", "")).split()),
                    columns=columns,
                    primary_key=tuple(meta.get("primary_key", [])),
                    optional=bool(meta.get("optional", False)),
                    load_mode=str(meta.get("load_mode", FULL_LOAD)),
                )
    if not tables:
        raise FileNotFoundError(f"no raw sources found under {project_dir / SOURCES_GLOB}")
    return tables

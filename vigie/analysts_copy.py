"""The analysts' copy: what analysts query, outside the live warehouse that runs write to.

A DuckDB file of the published schemas, written in a storage format that DuckDB 1.x clients still open (1.4 and
later), Parquet files of the marts, and the dbt documentation site; published as one folder, swapped atomically
(`vigie.publish`), so that analysts never hold a lock on the live warehouse nor see half a copy.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from vigie.warehouse import sql_string

PUBLISHED_SCHEMAS = ("marts", "reference", "quality")
PUBLISHED_TABLES = (("raw", "submissions"),)  # what happened to each file, without the rows it carried
PARQUET_SCHEMAS = ("marts",)
STORAGE_COMPATIBILITY = "v1.4.0"
DATABASE_NAME = "vigie.duckdb"


@dataclass
class CopySummary:
    rows: dict[str, int] = field(default_factory=dict)  # "schema.table" -> rows

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _published(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    listed = con.sql(
        "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = 'live' "
        "AND (list_contains(?, table_schema) OR list_contains(?, table_schema || '.' || table_name)) ORDER BY ALL",
        params=[list(PUBLISHED_SCHEMAS), [f"{s}.{t}" for s, t in PUBLISHED_TABLES]],
    ).fetchall()
    return [(schema, table) for schema, table in listed]


def write_copy(warehouse_path: Path, folder: Path) -> CopySummary:
    """Writes into `folder` the DuckDB file of the published tables and views (as tables) and the marts as Parquet
    (`parquet/<schema>/<table>.parquet`); the file is left read-only."""
    database = folder / DATABASE_NAME
    summary = CopySummary()
    con = duckdb.connect(str(database), config={"storage_compatibility_version": STORAGE_COMPATIBILITY})
    try:
        con.execute(f"ATTACH {sql_string(str(warehouse_path))} AS live (READ_ONLY)")
        for schema, table in _published(con):
            name = f'"{schema}"."{table}"'
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM live.{name}")
            [(summary.rows[f"{schema}.{table}"],)] = con.sql(f"SELECT count(*) FROM {name}").fetchall()
            if schema in PARQUET_SCHEMAS:
                target = folder / "parquet" / schema / f"{table}.parquet"
                target.parent.mkdir(parents=True, exist_ok=True)
                con.execute(f"COPY {name} TO {sql_string(str(target))} (FORMAT parquet, COMPRESSION zstd)")
        con.execute("DETACH live")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.chmod(database, 0o444)
    return summary

"""The submissions' bookkeeping tables that the dbt models read as sources (`raw.submissions`, which file was
processed when and with what fate; `raw.submission_keys`, which submission is current for each key): written by every
ingestion asset in the transaction that loads a file's rows, shown in the UI with their description and lineage."""

import json

import dagster as dg

from assets.ingestion import OWNERS, ingestion_assets
from orchestration.dbt_project import vigie_dbt_project

BOOKKEEPING_TABLES = ("submissions", "submission_keys")


def _source_description(table: str) -> str:
    """The description of the dbt source: one text, in dbt's docs and in Dagster."""
    manifest = json.loads(vigie_dbt_project.manifest_path.read_text(encoding="utf-8"))
    return manifest["sources"][f"source.vigie.raw.{table}"]["description"]


bookkeeping_assets = [
    dg.AssetSpec(key=["raw", table], group_name="submissions", owners=OWNERS, kinds={"duckdb"},
                 deps=[a.key for a in ingestion_assets],
                 description=f"{_source_description(table)}\n\nWritten by each ingestion asset, in the transaction "
                             f"that loads a file's rows (never by hand); read by the staging models.",
                 metadata={"table": f"raw.{table}"})
    for table in BOOKKEEPING_TABLES
]

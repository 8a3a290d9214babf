"""Metadata shown in the Dagster UI: column schemas, row counts and table previews."""

import dagster as dg
import polars as pl

from vigie import protocol as p
from vigie.warehouse import DUCKDB_TYPES

PREVIEW_ROWS = 10


def column_schema(dataset: p.Dataset) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, DUCKDB_TYPES.get(c.kind, "VARCHAR"), description=c.description,
                       constraints=dg.TableColumnConstraints(nullable=not c.required))
        for c in dataset.columns
    ])


def markdown_table(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "_(aucune ligne)_"
    cells = [[("" if v is None else str(v)).replace("|", "\\|") for v in row] for row in frame.iter_rows()]
    header = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns) + "\n"
    return header + "\n".join("| " + " | ".join(row) + " |" for row in cells)

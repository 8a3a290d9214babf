"""The analysts' copy, rewritten after every build of the dbt models."""

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from assets.dbt import vigie_dbt_models
from orchestration.resources import VigieResource
from vigie.analysts_copy import DATABASE_NAME, STORAGE_COMPATIBILITY, write_copy
from vigie.publish import publish_folder


@dg.asset(
    group_name="publication", owners=["team:vigie-data-engineering"], kinds={"duckdb", "parquet", "dbt"},
    pool="warehouse", deps=[vigie_dbt_models],
    description="What analysts query, outside the live warehouse: `outputs/analysts/current/` holds "
                f"`{DATABASE_NAME}` (the marts, reference, quality schemas and raw.submissions, in a storage format "
                f"that DuckDB clients from {STORAGE_COMPATIBILITY.lstrip('v')} on open), `parquet/marts/*.parquet` "
                "and `docs/index.html` (the dbt documentation, static, offline). Swapped atomically after every build.",
)
def analysts_copy(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                  vigie: VigieResource) -> dg.MaterializeResult:
    settings = vigie.settings()
    os.environ["VIGIE_WAREHOUSE"] = str(settings.warehouse_path)
    settings.analysts_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.analysts_dir, prefix=".docs-") as target:
        dbt.cli(["docs", "generate", "--static"], target_path=Path(target)).wait()
        summary = None

        def write(folder: Path) -> None:
            nonlocal summary
            summary = write_copy(settings.warehouse_path, folder)
            (folder / "docs").mkdir()
            shutil.copyfile(Path(target) / "static_index.html", folder / "docs" / "index.html")

        version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        published = publish_folder(settings.analysts_dir / "current", write, version)
    context.log.info(f"analysts' copy {version}: {len(summary.rows)} tables, {summary.total_rows:,} rows")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(settings.analysts_dir / "current")),
        "version": version,
        "tables": len(summary.rows),
        "dagster/row_count": summary.total_rows,
        "size_mb": round((published.path / DATABASE_NAME).stat().st_size / 1e6, 1),
    })

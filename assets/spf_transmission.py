"""The yearly transmission to Santé publique France, verified against its own manifest before it is published."""

import json
from datetime import UTC, datetime

import dagster as dg

from assets.dbt import vigie_dbt_models
from orchestration.dbt_project import vigie_dbt_project
from orchestration.partitions import yearly_partitions
from orchestration.resources import VigieResource
from vigie import warehouse
from vigie.publish import publish_folder
from vigie.transmission import MANIFEST, verify_package, write_package


@dg.asset(
    partitions_def=yearly_partitions, group_name="restitution", owners=["team:vigie-data-engineering"],
    kinds={"parquet", "duckdb"}, pool="warehouse", deps=[vigie_dbt_models],
    description="The package of one year for Santé publique France, in `outputs/transmissions/spf/<year>/`: the "
                "current data of every dataset (patient identifiers pseudonymised) and every mart as Parquet, "
                "`data_dictionary.csv` (every column, its type and its dbt description) and `manifest.json` (rows "
                "and SHA-256 of every file). Checked against its manifest, then published atomically; "
                "`vigie verify-package DIR` checks a package received.",
)
def spf_transmission(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
    year = int(context.partition_key)
    settings = vigie.settings()
    dbt_manifest = json.loads(vigie_dbt_project.manifest_path.read_text(encoding="utf-8"))
    manifest = {}

    def write(folder):
        nonlocal manifest
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            manifest = write_package(con, year, folder, dbt_manifest)
        problems = verify_package(folder)
        if problems:
            raise RuntimeError(f"package {year} does not match its manifest: {problems}")

    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    link = settings.transmissions_dir / "spf" / str(year)
    publish_folder(link, write, version)
    files = manifest["files"]
    context.log.info(f"SpF package {year}: {len(files)} files, {sum(f['rows'] for f in files):,} rows")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(link)),
        "files": len(files),
        "dagster/row_count": sum(f["rows"] for f in files),
        "size_mb": round(sum(f["bytes"] for f in files) / 1e6, 1),
        "manifest": dg.MetadataValue.path(str(link / MANIFEST)),
    })

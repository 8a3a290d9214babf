"""The yearly exports to ECDC (EARS-Net and ESAC-Net), each validated against its own suite before it is published."""

from datetime import UTC, datetime

import dagster as dg

from assets.dbt import vigie_dbt_models
from orchestration.partitions import yearly_partitions
from orchestration.resources import VigieResource
from vigie import ecdc, warehouse
from vigie.publish import publish_folder


@dg.asset(
    partitions_def=yearly_partitions, group_name="restitution", owners=["team:vigie-data-engineering"],
    kinds={"csv", "duckdb"}, pool="warehouse", deps=[vigie_dbt_models],
    description="The exports of one year to ECDC, in `outputs/transmissions/ecdc/<year>/`: `ears_net_amrtest.csv` "
                "(EARS-Net, TESSy record type AMRTEST: first blood or CSF isolate per patient, pathogen and year of "
                "the eight EARS-Net pathogens, one row per antibiotic), `esac_net_hospital_consumption.csv` and "
                "`esac_net_community_consumption.csv` (ESAC-Net, AMCLIGHT: DDD per ATC code and route; DID in the "
                "community) and `ears_net_non_codables.csv` (the isolates whose unit type, patient type or "
                "specimen has no EARS-Net code, with file, line and reason, in French). Each export is read a quarter "
                "of a million rows at a time, each passing its own expectation suite before it is written; the "
                "folder is published atomically, and only when every chunk passed.",
)
def ecdc_exports(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
    year = int(context.partition_key)
    settings = vigie.settings()
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    link = settings.transmissions_dir / "ecdc" / str(year)
    rows: dict[str, int] = {}
    # A failing suite raises inside the publication: the version half-written is removed, the published one stays.
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        publish_folder(link, lambda folder: rows.update(ecdc.write(con, year, folder)), version)
    context.log.info(f"ECDC exports {year}: {rows}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(link)),
        "dagster/row_count": sum(rows[export.file] for export in ecdc.EXPORTS),
        **{f"rows_{name.removesuffix('.csv')}": count for name, count in rows.items()},
    })

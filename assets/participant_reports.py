"""The yearly report of each participant, in French (HTML, PDF, XLSX), under
outputs/<kind's folder>/<participant>/<year>/."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from orchestration.partitions import yearly_partitions
from orchestration.resources import VigieResource
from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS
from vigie.reports.writer import write_reports

SOURCES = ["report_participants", "establishment_comparisons", "consumption_rates", "device_rates", "ssi_rates",
           "icsha_class_distribution", "laboratory_comparisons"]


class ReportSelection(dg.Config):
    participants: list[str] = []  # empty: every participant with data for the year


@dg.asset(
    partitions_def=yearly_partitions, group_name="reports", owners=["team:vigie-data-engineering"],
    kinds={"html", "pdf", "excel"},  # no warehouse pool: it reads in seconds, then renders without holding it
    deps=[get_asset_key_for_model([vigie_dbt_models], name) for name in SOURCES],
    description="The yearly report of each participant for the year of the partition, in French: HTML that opens "
                "offline, PDF and XLSX, published together (all three or none) under "
                "outputs/reports/<establishment>/<year>/ and outputs/laboratory_reports/<laboratory>/<year>/. "
                "Establishments: SPARES, SPIADI, SPICMI and MATIS results "
                "against their peers (marts.establishment_comparisons, disclosure-controlled) and the nation; "
                "community laboratories: PRIMO urinary resistance against their département, region or the nation "
                "(marts.laboratory_comparisons). The regions' outputs are the `regional_outputs` asset. A report "
                "whose figures have not changed is left as it is.",
)
def participant_reports(context: dg.AssetExecutionContext, config: ReportSelection,
                        vigie: VigieResource) -> dg.MaterializeResult:
    settings = vigie.settings()
    year = int(context.partition_key)
    chosen = config.participants or None
    summary = write_reports(settings, year, chosen, log=context.log.info)
    written, unchanged = summary.written, summary.unchanged
    context.log.info(f"reports {year}: {len(written)} written, {len(unchanged)} unchanged")
    return dg.MaterializeResult(metadata={
        "reports_written": len(written), "reports_unchanged": len(unchanged),
        "folders": dg.MetadataValue.json([str(settings.outputs_dir / kind.folder) for kind in PARTICIPANT_REPORT_KINDS]),
        "participants_written": dg.MetadataValue.json(sorted({p for p, _ in written})[:50]),
    })

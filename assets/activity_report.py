"""The activity report of each year (by 31 March N+1), in French: HTML, PDF, XLSX and Markdown to edit, published
together under outputs/activity/<year>/."""

import datetime as dt

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from assets.regional_outputs import regional_outputs
from orchestration.deliveries import first_delivery
from orchestration.partitions import region_codes, year_region_key, yearly_partitions
from orchestration.resources import VigieResource
from vigie import calendar, warehouse
from vigie.publish import fingerprint, publish
from vigie.reports import activity, feedback
from vigie.reports.render import render_html, render_markdown, render_pdf, render_xlsx

RESTITUTION_MILESTONE = "regional_restitution"  # the annual_calendar row whose deadline the regional outputs meet


def _has_data(record: dg.EventLogRecord) -> bool:
    """A region's output counts as delivered once it had data (a region without data publishes none)."""
    has_data = record.asset_materialization.metadata.get("has_data")
    return has_data is not None and bool(has_data.value)


def _first_output(instance: dg.DagsterInstance, year: int, region: str) -> dt.datetime | None:
    return first_delivery(instance, regional_outputs.key, str(year_region_key(year, region)), counts=_has_data)


@dg.asset(
    partitions_def=yearly_partitions, group_name="restitution", owners=["team:vigie-data-engineering"],
    kinds={"html", "pdf", "markdown"},
    deps=[get_asset_key_for_model([vigie_dbt_models], name) for name in ("mission_coverage", "strategy_indicators")],
    description="The activity report of the year of the partition, due by 31 March of the next year: participation "
                "and territorial coverage of each mission and region (marts.mission_coverage), how long participants "
                "waited between their data and their report (the feedback log of every publication) and whether "
                "each region's output came before the regional restitution date of the calendar (the first "
                "materialization of each regional_outputs partition), and the national strategy indicators with "
                "their trend. HTML, PDF, XLSX and Markdown (to edit) published together under "
                "outputs/activity/<year>/.",
)
def activity_report(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
    settings = vigie.settings()
    year = int(context.partition_key)
    restitution = calendar.milestone(RESTITUTION_MILESTONE)
    deadline = restitution.deadline(year) if restitution else None
    with warehouse.connect(settings.warehouse_path, read_only=True, wait_seconds=600) as con:
        deliveries = {region: _first_output(context.instance, year, region) for region in region_codes()}
        data = activity.load(con, year, feedback.read(settings), deliveries, deadline)
    report = activity.build(data)
    html, markdown = render_html(report), render_markdown(report)
    stem = f"rapport_activite_{year}"
    files = {f"{stem}.md": markdown.encode("utf-8"), f"{stem}.html": html.encode("utf-8"),
             f"{stem}.pdf": render_pdf(report), f"{stem}.xlsx": render_xlsx(report)}
    folder = settings.outputs_dir / "activity" / str(year)
    publish(folder, files, fingerprint(markdown))
    return dg.MaterializeResult(metadata={
        "folder": dg.MetadataValue.path(str(folder)),
        "regional_outputs_delivered": sum(1 for when in data.deliveries.values() if when is not None),
        "preview": dg.MetadataValue.md(markdown[:4000]),
    })

"""The regional output of each region and year, for its CPias and ARS and, in a public edition, for everyone:
under outputs/regional/<region>/<year>/ (HTML, PDF and XLSX of each edition, published together)."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from orchestration.partitions import year_region_partitions
from orchestration.resources import VigieResource
from vigie.reports.kinds import REGIONAL_OUTPUT
from vigie.reports.writer import write_reports

SOURCES = ["report_participants", "strategy_indicators", "establishment_funnel_points", "funnel_limit_curves",
           "consumption_rates", "resistance_phenotype_rates", "bacteremia_rates", "ssi_rates",
           "icsha_class_distribution", "community_resistance", "signalement_followup", "signalements_open"]


@dg.asset(
    partitions_def=year_region_partitions, group_name="restitution", owners=["team:vigie-data-engineering"],
    kinds={"html", "pdf", "excel"},
    deps=[get_asset_key_for_model([vigie_dbt_models], name) for name in SOURCES],
    description="The results of one region for one year, in French, in two editions published together under "
                "outputs/regional/<region>/<year>/ (HTML, PDF and an XLSX workbook of every table of each). The "
                "edition of the region's CPias and ARS (`_cpias_ars`): the national strategy and EU 2030 indicators "
                "of the region against the nation and their targets with their trend, each mission's results, the "
                "region's establishments on funnel plots with outliers named, and the follow-up of IAS reports. The "
                "public edition (`_diffusion`): the same without what names an establishment, counts under the "
                "`min_published_count` threshold masked with what derives from them and protected from "
                "back-calculation through totals. A region without data for the year gets no output.",
)
def regional_outputs(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
    settings = vigie.settings()
    key = context.partition_key.keys_by_dimension
    year, region = int(key["year"]), key["region"]
    summary = write_reports(settings, year, [region], log=context.log.info, kinds=[REGIONAL_OUTPUT])
    folder = settings.outputs_dir / REGIONAL_OUTPUT.folder / region / str(year)
    return dg.MaterializeResult(metadata={
        "written": len(summary.written), "unchanged": len(summary.unchanged),
        "has_data": bool(summary.written or summary.unchanged), "folder": dg.MetadataValue.path(str(folder)),
    })

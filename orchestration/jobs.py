"""Jobs: ingestion with consolidation, consolidation alone, and the yearly participation."""

import dagster as dg

from assets.dbt import vigie_dbt_models
from assets.ingestion import ingestion_assets
from assets.participation import participation
from assets.spares_feedback import spares_establishment_feedback

ingest_and_consolidate_job = dg.define_asset_job(
    "ingest_and_consolidate",
    selection=dg.AssetSelection.assets(*ingestion_assets, vigie_dbt_models, spares_establishment_feedback),
    description="Ingests the landing area, rebuilds the dbt models, writes every establishment's feedback "
                "(what `vigie run` does first).",
)
spares_feedback_job = dg.define_asset_job(
    "spares_feedback", selection=dg.AssetSelection.assets(spares_establishment_feedback),
    description="Writes the SPARES feedback of the establishments given in the run configuration (all if none).",
)
consolidation_job = dg.define_asset_job(
    "consolidation", selection=dg.AssetSelection.assets(vigie_dbt_models),
    description="Rebuilds the dbt models from the data already ingested.",
)
participation_job = dg.define_asset_job(
    "yearly_participation", selection=dg.AssetSelection.assets(participation),
    description="Participation per dataset for one surveillance year.",
)

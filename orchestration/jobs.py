"""Jobs: ingestion with consolidation, consolidation alone, and one job per output and audience: participation
(CPias follow-up), participants' reports, regional outputs (CPias and ARS), SpF, ECDC, the activity report."""

import dagster as dg

from assets.activity_report import activity_report
from assets.analysts_copy import analysts_copy
from assets.dbt import vigie_dbt_models
from assets.ecdc_exports import ecdc_exports
from assets.ingestion import ingestion_assets
from assets.participant_reports import participant_reports
from assets.participation import participation
from assets.regional_outputs import regional_outputs
from assets.spf_transmission import spf_transmission

ingest_and_consolidate_job = dg.define_asset_job(
    "ingest_and_consolidate", selection=dg.AssetSelection.assets(*ingestion_assets, vigie_dbt_models, analysts_copy),
    description="Ingests the landing area, rebuilds the dbt models and the analysts' copy (what `vigie run` does "
                "first, before the yearly outputs of every year).",
)
consolidation_job = dg.define_asset_job(
    "consolidation", selection=dg.AssetSelection.assets(vigie_dbt_models, analysts_copy),
    description="Rebuilds the dbt models from the data already ingested, then the analysts' copy.",
)
participation_job = dg.define_asset_job(
    "yearly_participation", selection=dg.AssetSelection.assets(participation),
    description="Participation per dataset for one surveillance year.",
)
reports_job = dg.define_asset_job(
    "yearly_reports", selection=dg.AssetSelection.assets(participant_reports),
    description="The reports of one surveillance year: of the participants given in the run configuration, or of "
                "all of them (reports whose figures have not changed are left as they are).",
)
spf_transmission_job = dg.define_asset_job(
    "transmit_to_spf", selection=dg.AssetSelection.assets(spf_transmission),
    description="The package of one year for Santé publique France (raw data, marts, dictionary, manifest).",
)
ecdc_exports_job = dg.define_asset_job(
    "export_to_ecdc", selection=dg.AssetSelection.assets(ecdc_exports),
    description="The exports of one year to ECDC (EARS-Net AMRTEST, ESAC-Net hospital and community consumption), "
                "each validated against its own expectation suite, with the report of uncodable records.",
)
regional_outputs_job = dg.define_asset_job(
    "produce_regional_outputs", selection=dg.AssetSelection.assets(regional_outputs),
    description="The regional output of one year and region, for its CPias and ARS and in its public edition.",
)
activity_report_job = dg.define_asset_job(
    "produce_activity_report", selection=dg.AssetSelection.assets(activity_report),
    description="The activity report of one year (due by 31 March of the next year).",
)

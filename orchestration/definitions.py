"""Every Dagster definition of Vigie, assembled in one place (loaded by workspace.yaml)."""

import dagster as dg

import orchestration  # noqa: F401  (turns telemetry off before any library loads)
from orchestration.dbt_project import ensure_manifest

ensure_manifest()

from assets.activity_report import activity_report  # noqa: E402
from assets.analysts_copy import analysts_copy  # noqa: E402
from assets.bookkeeping import bookkeeping_assets  # noqa: E402
from assets.dbt import vigie_dbt_models  # noqa: E402
from assets.ecdc_exports import ecdc_exports  # noqa: E402
from assets.ingestion import ingestion_assets  # noqa: E402
from assets.participation import participation  # noqa: E402
from assets.participant_reports import participant_reports  # noqa: E402
from assets.regional_outputs import regional_outputs  # noqa: E402
from assets.spf_transmission import spf_transmission  # noqa: E402
from orchestration.calendar import calendar_definitions  # noqa: E402
from orchestration.jobs import (  # noqa: E402
    activity_report_job, consolidation_job, ecdc_exports_job, ingest_and_consolidate_job, participation_job,
    regional_outputs_job, reports_job, spf_transmission_job,
)
from orchestration.loggers import LOGGERS  # noqa: E402
from orchestration.resources import build_resources  # noqa: E402
from orchestration.schedules import (  # noqa: E402
    nightly_consolidation_schedule, nightly_regional_outputs_schedule, nightly_reports_schedule,
    weekly_participation_schedule,
)
from orchestration.sensors import landing_sensor, participant_report_sensor  # noqa: E402
from orchestration.stale_runs import stale_runs_sensor  # noqa: E402

calendar_schedules, deadline_checks, deadline_jobs = calendar_definitions()

defs = dg.Definitions(
    assets=[*ingestion_assets, *bookkeeping_assets, vigie_dbt_models, analysts_copy, participation, participant_reports,
            regional_outputs, spf_transmission, ecdc_exports, activity_report],
    asset_checks=deadline_checks,
    jobs=[ingest_and_consolidate_job, consolidation_job, participation_job, reports_job, regional_outputs_job,
          spf_transmission_job, ecdc_exports_job, activity_report_job, *deadline_jobs],
    schedules=[nightly_consolidation_schedule, nightly_reports_schedule, nightly_regional_outputs_schedule,
               weekly_participation_schedule, *calendar_schedules],
    sensors=[landing_sensor, participant_report_sensor, stale_runs_sensor],
    resources=build_resources(),
    loggers=LOGGERS,
    executor=dg.in_process_executor,
)

"""The annual calendar as configuration (the `annual_calendar` seed): each milestone that names an output is a
schedule that produces it on its date for the right data year, and a deadline check that turns red in the UI when
the output of that year is missing (ERROR) or came after its date (WARN)."""

import datetime as dt

import dagster as dg

from assets.activity_report import activity_report
from assets.ecdc_exports import ecdc_exports
from assets.participant_reports import participant_reports
from assets.regional_outputs import regional_outputs
from assets.spf_transmission import spf_transmission
from orchestration.deliveries import first_delivery
from orchestration.jobs import (
    activity_report_job, ecdc_exports_job, regional_outputs_job, reports_job, spf_transmission_job,
)
from orchestration.partitions import keys_for_year
from vigie.calendar import CALENDAR_SEED, TIMEZONE, Milestone, milestones

RUN_HOUR = 6  # the scheduled run starts at 06:00 on the milestone's date; the output is due by the end of that day
# The outputs a milestone can name: the asset that is due, and the job that produces it (partitioned by year, or by
# year and region).
DELIVERABLES = {"yearly_reports": (participant_reports, reports_job),
                "produce_regional_outputs": (regional_outputs, regional_outputs_job),
                "transmit_to_spf": (spf_transmission, spf_transmission_job),
                "export_to_ecdc": (ecdc_exports, ecdc_exports_job),
                "produce_activity_report": (activity_report, activity_report_job)}


def _deliverable(milestone: Milestone):
    if milestone.job not in DELIVERABLES:
        raise ValueError(f"{CALENDAR_SEED.name}: milestone {milestone.name} names job {milestone.job!r}, "
                         f"which produces no known output ({', '.join(DELIVERABLES)})")
    return DELIVERABLES[milestone.job]


def _schedule(milestone: Milestone) -> dg.ScheduleDefinition:
    asset, job = _deliverable(milestone)

    @dg.schedule(name=f"{milestone.name}_schedule", job=job, execution_timezone=TIMEZONE,
                 cron_schedule=f"0 {RUN_HOUR} {milestone.day} {milestone.month} *",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description=f"{milestone.label_fr} : le {milestone.day:02d}/{milestone.month:02d} de l'année "
                             f"N+{milestone.years_after}, produit par le job {milestone.job} pour l'année N.")
    def produce(context: dg.ScheduleEvaluationContext):
        year = milestone.data_year(context.scheduled_execution_time or dt.datetime.now(dt.UTC))
        return [dg.RunRequest(run_key=f"{milestone.name}-{key}", partition_key=key)
                for key in keys_for_year(asset.partitions_def, year)]

    return produce


def _deadline_check(milestone: Milestone) -> dg.AssetChecksDefinition:
    asset, _ = _deliverable(milestone)

    @dg.asset_check(asset=asset, name=f"{milestone.name}_on_time", blocking=False,
                    description=f"{milestone.label_fr} : la partition de l'année N existe au "
                                f"{milestone.day:02d}/{milestone.month:02d} de l'année N+{milestone.years_after} "
                                "(manquante : erreur ; livrée après la date : avertissement).")
    def on_time(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return deadline_result(context.instance, asset, milestone, dt.datetime.now(dt.UTC))

    return on_time


def deadline_result(instance: dg.DagsterInstance, asset, milestone: Milestone,
                    now: dt.datetime) -> dg.AssetCheckResult:
    """Missing partitions of the year due (every region's, for a regional output) are an error once the deadline
    has passed; partitions delivered after it, a warning."""
    year = milestone.data_year(now)
    deadline = milestone.deadline(year)
    due = keys_for_year(asset.partitions_def, year)
    delivered = {str(key): first_delivery(instance, asset.key, str(key)) for key in due}
    missing = sorted(key for key, when in delivered.items() if when is None)
    late = sorted(key for key, when in delivered.items() if when is not None and when > deadline)
    last = max((when for when in delivered.values() if when is not None), default=None)
    metadata = {"data_year": year, "deadline": deadline.isoformat(), "partitions_due": len(delivered),
                "missing": ", ".join(missing) or "none", "late": ", ".join(late) or "none",
                "delivered": last.isoformat() if last else "absent"}
    if missing:
        return dg.AssetCheckResult(passed=now < deadline, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)
    return dg.AssetCheckResult(passed=not late, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


def _deadline_schedule(milestone: Milestone, check: dg.AssetChecksDefinition) -> dg.ScheduleDefinition:
    job = dg.define_asset_job(f"{milestone.name}_deadline", selection=dg.AssetSelection.checks(check),
                              description=f"Checks that {milestone.job} delivered on time ({milestone.label_fr}).")
    return dg.ScheduleDefinition(
        name=f"{milestone.name}_deadline_schedule", job=job, execution_timezone=TIMEZONE,
        cron_schedule=f"59 23 {milestone.day} {milestone.month} *", default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"À la fin du {milestone.day:02d}/{milestone.month:02d} : la sortie de l'année N est-elle là ?")


def calendar_definitions() -> tuple[list, list, list]:
    """(schedules, asset checks, jobs) of every milestone that names an output."""
    schedules, checks, jobs = [], [], []
    for milestone in (m for m in milestones() if m.job):
        check = _deadline_check(milestone)
        deadline = _deadline_schedule(milestone, check)
        schedules += [_schedule(milestone), deadline]
        checks.append(check)
        jobs.append(deadline.job)
    return schedules, checks, jobs

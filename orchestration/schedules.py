"""Schedules of the surveillance calendar."""

import datetime as dt

import dagster as dg

from orchestration.jobs import consolidation_job, participation_job

TIMEZONE = "Europe/Paris"

nightly_consolidation_schedule = dg.ScheduleDefinition(
    name="nightly_consolidation", job=consolidation_job, cron_schedule="0 2 * * *", execution_timezone=TIMEZONE,
    description="Rebuilds the models every night, so that reference data changes reach every table.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.schedule(job=participation_job, cron_schedule="0 6 * * 1", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every Monday: participation of the year being collected (N-1) and of the current year.")
def weekly_participation_schedule(context: dg.ScheduleEvaluationContext):
    today = (context.scheduled_execution_time or dt.datetime.now()).date()
    for year in (today.year - 1, today.year):
        yield dg.RunRequest(run_key=f"participation-{year}-{today:%Y%m%d}", partition_key=str(year))

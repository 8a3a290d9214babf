"""Schedules of the surveillance calendar."""

import datetime as dt

import dagster as dg

from orchestration.jobs import consolidation_job, participation_job, regional_outputs_job, reports_job
from orchestration.partitions import hold_years, region_codes, year_region_key, yearly_partitions
from orchestration.resources import VigieResource

TIMEZONE = "Europe/Paris"

nightly_consolidation_schedule = dg.ScheduleDefinition(
    name="nightly_consolidation", job=consolidation_job, cron_schedule="0 2 * * *", execution_timezone=TIMEZONE,
    description="Rebuilds the models every night, so that reference data changes reach every table.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.schedule(job=participation_job, cron_schedule="0 6 * * 1", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every Monday: participation of the year being collected (N-1) and of the current year, "
                         "those of which the platform holds data.")
def weekly_participation_schedule(context: dg.ScheduleEvaluationContext, vigie: VigieResource):
    today = (context.scheduled_execution_time or dt.datetime.now()).date()
    years = _years_with_data(vigie)
    if years is None:
        return dg.SkipReason("the warehouse is busy: participation waits for next Monday")
    wanted = [year for year in (today.year - 1, today.year) if year in years]
    if not wanted:
        return dg.SkipReason(f"no data held for {today.year - 1} nor {today.year}")
    return [dg.RunRequest(run_key=f"participation-{key}-{today:%Y%m%d}", partition_key=key)
            for key in hold_years(context.instance, wanted)]


@dg.schedule(job=reports_job, cron_schedule="0 3 * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every night after the consolidation: the reports of every year with data, so that what a "
                         "submission changes in its peers' and its next year's reports reaches them too (a report whose "
                         "figures have not changed is left as it is).")
def nightly_reports_schedule(context: dg.ScheduleEvaluationContext, vigie: VigieResource):
    day = (context.scheduled_execution_time or dt.datetime.now()).date()
    years = _years_with_data(vigie)
    if years is None:
        return dg.SkipReason("the warehouse is busy: the reports wait for the next night")
    return [dg.RunRequest(run_key=f"nightly-reports-{year}-{day:%Y%m%d}", partition_key=str(year)) for year in years]


@dg.schedule(job=regional_outputs_job, cron_schedule="30 4 * * *", execution_timezone=TIMEZONE,
             default_status=dg.DefaultScheduleStatus.RUNNING,
             description="Every night after the reports: the regional outputs of every year with data, so that the "
                         "national figures beside each region's follow every submission (an output whose figures have "
                         "not changed is left as it is).")
def nightly_regional_outputs_schedule(context: dg.ScheduleEvaluationContext, vigie: VigieResource):
    day = (context.scheduled_execution_time or dt.datetime.now()).date()
    years = _years_with_data(vigie)
    if years is None:
        return dg.SkipReason("the warehouse is busy: the regional outputs wait for the next night")
    return [dg.RunRequest(run_key=f"nightly-regional-{key}-{day:%Y%m%d}", partition_key=key)
            for year in years for key in (year_region_key(year, region) for region in region_codes())]


def _years_with_data(vigie: VigieResource) -> list[int] | None:
    """Years with data that have a partition; None while another run writes the warehouse."""
    from vigie import warehouse

    valid = set(yearly_partitions.get_partition_keys())
    try:
        years = warehouse.years_with_data(vigie.settings().warehouse_path, wait_seconds=0)
    except warehouse.WarehouseBusy:
        return None
    return [year for year in years if str(year) in valid]

"""The annual calendar as configuration (the `annual_calendar` seed): each milestone that names an output is a
schedule that produces it on its date for the right data year, and a deadline check that turns red in the UI when
the output of that year is missing (ERROR) or came after its date (WARN)."""

import csv
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import dagster as dg

from assets.ecdc_exports import ecdc_exports
from assets.participant_reports import participant_reports
from assets.spf_transmission import spf_transmission
from orchestration.jobs import ecdc_exports_job, reports_job, spf_transmission_job
from vigie.settings import DBT_PROJECT_DIR

CALENDAR_SEED = DBT_PROJECT_DIR / "seeds" / "annual_calendar.csv"
TIMEZONE = "Europe/Paris"
RUN_HOUR = 6  # the scheduled run starts at 06:00 on the milestone's date; the output is due by the end of that day
# The outputs a milestone can name: the asset that is due, and the job that produces it (partitioned by year).
DELIVERABLES = {"yearly_reports": (participant_reports, reports_job),
                "transmit_to_spf": (spf_transmission, spf_transmission_job),
                "export_to_ecdc": (ecdc_exports, ecdc_exports_job)}


@dataclass(frozen=True)
class Milestone:
    mission: str
    milestone: str
    job: str
    month: int
    day: int
    years_after: int  # the milestone of data year N falls in year N + years_after
    label_fr: str

    @property
    def name(self) -> str:
        return self.milestone if self.mission == "ALL" else f"{self.mission.lower()}_{self.milestone}"

    def data_year(self, when: dt.datetime) -> int:
        """The data year whose milestone is the latest one on or before `when` (Paris time)."""
        local = when.astimezone(ZoneInfo(TIMEZONE))
        passed = (local.month, local.day) >= (self.month, self.day)
        return local.year - self.years_after - (0 if passed else 1)

    def deadline(self, data_year: int) -> dt.datetime:
        """The end of the milestone's day for `data_year`, in Paris."""
        day = dt.date(data_year + self.years_after, self.month, self.day)
        return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), ZoneInfo(TIMEZONE))


def milestones() -> list[Milestone]:
    with open(CALENDAR_SEED, encoding="utf-8", newline="") as handle:
        return [Milestone(row["mission"], row["milestone"], row["job"], int(row["month"]), int(row["day"]),
                          int(row["years_after"]), row["label_fr"]) for row in csv.DictReader(handle)]


def _deliverable(milestone: Milestone):
    if milestone.job not in DELIVERABLES:
        raise ValueError(f"{CALENDAR_SEED.name}: milestone {milestone.name} names job {milestone.job!r}, "
                         f"which produces no known output ({', '.join(DELIVERABLES)})")
    return DELIVERABLES[milestone.job]


def _schedule(milestone: Milestone) -> dg.ScheduleDefinition:
    _, job = _deliverable(milestone)

    @dg.schedule(name=f"{milestone.name}_schedule", job=job, execution_timezone=TIMEZONE,
                 cron_schedule=f"0 {RUN_HOUR} {milestone.day} {milestone.month} *",
                 default_status=dg.DefaultScheduleStatus.RUNNING,
                 description=f"{milestone.label_fr} : le {milestone.day:02d}/{milestone.month:02d} de l'année "
                             f"N+{milestone.years_after}, produit par le job {milestone.job} pour l'année N.")
    def produce(context: dg.ScheduleEvaluationContext):
        year = milestone.data_year(context.scheduled_execution_time or dt.datetime.now(dt.UTC))
        return dg.RunRequest(run_key=f"{milestone.name}-{year}", partition_key=str(year))

    return produce


def _deadline_check(milestone: Milestone) -> dg.AssetChecksDefinition:
    asset, _ = _deliverable(milestone)

    @dg.asset_check(asset=asset, name=f"{milestone.name}_on_time", blocking=False,
                    description=f"{milestone.label_fr} : la partition de l'année N existe au "
                                f"{milestone.day:02d}/{milestone.month:02d} de l'année N+{milestone.years_after} "
                                "(manquante : erreur ; livrée après la date : avertissement).")
    def on_time(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        return deadline_result(context.instance, asset.key, milestone, dt.datetime.now(dt.UTC))

    return on_time


def deadline_result(instance: dg.DagsterInstance, key: dg.AssetKey, milestone: Milestone,
                    now: dt.datetime) -> dg.AssetCheckResult:
    year = milestone.data_year(now)
    deadline = milestone.deadline(year)
    first = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=[str(year)]),
                                            limit=1, ascending=True).records
    delivered = dt.datetime.fromtimestamp(first[0].timestamp, dt.UTC) if first else None
    metadata = {"data_year": year, "deadline": deadline.isoformat(),
                "delivered": delivered.isoformat() if delivered else "absent"}
    if delivered is None:
        return dg.AssetCheckResult(passed=now < deadline, severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)
    return dg.AssetCheckResult(passed=delivered <= deadline, severity=dg.AssetCheckSeverity.WARN, metadata=metadata)


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

"""The annual calendar (the `annual_calendar` seed): each mission's milestones of data year N, on a day of year
N + years_after, Paris time. Read from the seed file, so that Dagster's schedules can be built from it at load."""

import csv
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from vigie.settings import DBT_PROJECT_DIR

CALENDAR_SEED = DBT_PROJECT_DIR / "seeds" / "annual_calendar.csv"
TIMEZONE = "Europe/Paris"


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


def milestone(name: str) -> Milestone | None:
    return next((m for m in milestones() if m.name == name), None)

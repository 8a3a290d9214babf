"""Partitions: the surveillance years (no yearly class in Dagster 1.13: a yearly cron window), and year × region for
the regional outputs (the 18 regions of the `regions_departments` seed)."""

import csv
import functools

import dagster as dg
import sqlalchemy.exc

from vigie.settings import DBT_PROJECT_DIR

FIRST_SURVEILLANCE_YEAR = "2019"
REGIONS_SEED = DBT_PROJECT_DIR / "seeds" / "regions_departments.csv"

yearly_partitions = dg.TimeWindowPartitionsDefinition(
    start=FIRST_SURVEILLANCE_YEAR, cron_schedule="0 0 1 1 *", fmt="%Y", end_offset=1,
    timezone="Europe/Paris",
)


@functools.cache
def region_codes() -> tuple[str, ...]:
    with open(REGIONS_SEED, encoding="utf-8", newline="") as handle:
        return tuple(sorted({row["region_code"] for row in csv.DictReader(handle)}))


# Participation follows the data: a partition per year of which the platform holds current submissions, added as they
# arrive. The outputs keep a partition per calendar year: an output of a year is due whether or not data came.
held_years = dg.DynamicPartitionsDefinition(name="held_years")


def hold_years(instance: dg.DagsterInstance, years) -> list[str]:
    """The partition keys of `years`, those not yet in `held_years` added."""
    keys = [str(year) for year in years]
    missing = [key for key in keys if not instance.has_dynamic_partition(held_years.name, key)]
    try:
        if missing:
            instance.add_dynamic_partitions(held_years.name, missing)
    except sqlalchemy.exc.IntegrityError:  # another process added one of them meanwhile
        if not all(instance.has_dynamic_partition(held_years.name, key) for key in missing):
            raise
    return keys


region_partitions = dg.StaticPartitionsDefinition(region_codes())
year_region_partitions = dg.MultiPartitionsDefinition({"year": yearly_partitions, "region": region_partitions})


def year_region_key(year: int | str, region: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"year": str(year), "region": region})


def keys_for_year(partitions_def: dg.PartitionsDefinition, year: int | str) -> list:
    """The partitions of data year `year`: the year itself, or the year in each region."""
    if isinstance(partitions_def, dg.MultiPartitionsDefinition):
        return [year_region_key(year, region) for region in region_codes()]
    return [str(year)]

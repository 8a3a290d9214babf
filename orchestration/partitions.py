"""Partitions of the yearly surveillance data (no yearly class in Dagster 1.13: a yearly cron window)."""

import dagster as dg

FIRST_SURVEILLANCE_YEAR = "2019"

yearly_partitions = dg.TimeWindowPartitionsDefinition(
    start=FIRST_SURVEILLANCE_YEAR, cron_schedule="0 0 1 1 *", fmt="%Y", end_offset=1,
    timezone="Europe/Paris",
)

"""When a partition of an asset was first delivered: the first materialization, or the first that `counts`."""

import datetime as dt
from collections.abc import Callable

import dagster as dg

Counts = Callable[[dg.EventLogRecord], bool]


def first_delivery(instance: dg.DagsterInstance, key: dg.AssetKey, partition: str,
                   counts: Counts = lambda record: True, scanned: int = 100) -> dt.datetime | None:
    """The time of the first of the partition's first `scanned` materializations that `counts`."""
    records = instance.fetch_materializations(dg.AssetRecordsFilter(asset_key=key, asset_partitions=[partition]),
                                              limit=scanned, ascending=True).records
    first = next((record for record in records if counts(record)), None)
    return dt.datetime.fromtimestamp(first.timestamp, dt.UTC) if first else None

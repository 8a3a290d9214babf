"""The feedback log: when each participant's report was published, and the date of the data it shows, so that the
activity report can say how long participants waited between their data being accepted and their report."""

import csv
import datetime as dt
import io
import os

import polars as pl

from vigie import inert
from vigie.settings import Settings

COLUMNS = ["participant_kind", "participant_id", "year", "data_received_until", "published_at", "version"]


def log_path(settings: Settings):
    return settings.outputs_dir / "feedback_log.csv"


def record(settings: Settings, participant_kind: str, key: tuple[str, int], data_received_until, version: str) -> None:
    """One line per publication, appended in one write (O_APPEND), so that concurrent runs never interleave; `version`
    is the published version's fingerprint (a report changes with its peers' data too, not only with its own)."""
    path = log_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    received = data_received_until.isoformat() if data_received_until else ""
    published = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds")
    lines = io.StringIO()
    writer = csv.writer(lines, lineterminator="\n")
    if not path.exists():
        writer.writerow(COLUMNS)
    writer.writerow(inert.row([participant_kind, key[0], str(key[1]), received, published, version]))
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, lines.getvalue().encode())
    finally:
        os.close(fd)


def read(settings: Settings) -> pl.DataFrame:
    """Every publication recorded (UTC times), empty when none."""
    schema = {"participant_kind": pl.String, "participant_id": pl.String, "year": pl.Int32,
              "data_received_until": pl.Datetime, "published_at": pl.Datetime}
    path = log_path(settings)
    if not path.exists():
        return pl.DataFrame(schema=schema)
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("participant_kind") not in (None, "participant_kind")]
    return pl.DataFrame(
        [(r["participant_kind"], inert.as_written(r["participant_id"]), int(r["year"]),
          dt.datetime.fromisoformat(r["data_received_until"]) if r["data_received_until"] else None,
          dt.datetime.fromisoformat(r["published_at"])) for r in rows], schema=schema, orient="row")

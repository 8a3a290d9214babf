"""Receipts are recorded with the submission's fate, in the same transaction, then written to the disk; one that could
not be written (a full disk, a folder not writable) stays recorded and the next run writes it. So every sender gets
its receipt once the disk is writable again, and a run names each output that failed and why."""

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from vigie import landing
from vigie.receipts import render
from vigie.settings import Settings
from vigie.submission import DUPLICATE, REJECTED, now

@dataclass(frozen=True)
class Undelivered:
    path: str
    error: str

    def __str__(self) -> str:
        return f"{self.path}: {self.error}"


def receipt_paths(sub, settings: Settings) -> list[Path]:
    """Under outputs/receipts/<sender>/, and beside the file when it is quarantined."""
    name = f"{sub.file.received_at:%Y%m%d}_{sub.dataset}_{sub.submission_id[:12]}.html"
    if sub.status == DUPLICATE:  # beside the first copy's receipt, not over it
        name = f"{sub.file.received_at:%Y%m%d_%H%M%S}_{sub.dataset}_{sub.submission_id[:12]}_doublon.html"
    paths = [settings.receipts_dir / landing.safe_name(sub.sender) / name]
    if sub.status == REJECTED:
        paths.append(settings.quarantine_dir / sub.dataset / f"{sub.submission_id[:12]}_accuse_de_reception.html")
    return paths


def record(con: duckdb.DuckDBPyConnection, subs: list, settings: Settings) -> None:
    """Within the transaction that records the submissions' fate; paths relative to the data directory, which may move."""
    stamp = now()
    rows = [[sub.submission_id, sub.dataset, str(path.relative_to(settings.data_dir)), content, stamp]
            for sub in subs for content in [render(sub)] for path in receipt_paths(sub, settings)]
    if rows:
        con.executemany("INSERT OR REPLACE INTO raw.pending_receipts VALUES (?, ?, ?, ?, ?, NULL)", rows)


def write_atomically(path: Path, content: str) -> None:
    """A reader finds the whole receipt or none."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def deliver(con: duckdb.DuckDBPyConnection, settings: Settings, dataset: str) -> list[Undelivered]:
    """Writes the dataset's pending receipts; those written leave the table, the others keep their error."""
    pending = con.execute("SELECT submission_id, path, content FROM raw.pending_receipts WHERE dataset = ? "
                          "ORDER BY recorded_at, path", [dataset]).fetchall()
    undelivered = []
    for submission_id, path, content in pending:
        try:
            write_atomically(settings.data_dir / path, content)
        except OSError as error:
            undelivered.append(Undelivered(path, error.strerror or str(error)))
            con.execute("UPDATE raw.pending_receipts SET last_error = ? WHERE submission_id = ? AND path = ?",
                        [str(undelivered[-1]), submission_id, path])
        else:
            con.execute("DELETE FROM raw.pending_receipts WHERE submission_id = ? AND path = ?", [submission_id, path])
    return undelivered

"""Receipts are recorded with the submission's fate, in the same transaction, then written to the disk; one that could
not be written (a full disk, a folder not writable) stays recorded and the next run writes it. So every sender gets
its receipt once the disk is writable again, and a run names each output that failed and why."""

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from vigie import landing
from vigie.receipts import render
from vigie.warehouse import insert_rows
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
    rows = [[sub.submission_id, sub.dataset, str(path.relative_to(settings.data_dir)), content, stamp, None]
            for sub in subs for content in [render(sub)] for path in receipt_paths(sub, settings)]
    insert_rows(con, "raw.pending_receipts", rows, replace=True)


def write_partial(path: Path, content: str) -> Path:
    """The file's content beside it, under a name no reader looks for."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(content, encoding="utf-8")
    except OSError:
        partial.unlink(missing_ok=True)
        raise
    return partial


def write_all_atomically(files: list[tuple[Path, str]]) -> dict[Path, OSError]:
    """A reader finds each whole file or none: each is written beside its place, all reach the disk at once, then
    each takes its place. (A flush to the disk per file cost 0.7 ms each: some 12 000 receipts a national year.)
    Returns the files that could not be written, with the error."""
    written, failed = [], {}
    for path, content in files:
        try:
            written.append((write_partial(path, content), path))
        except OSError as error:
            failed[path] = error
    if written:
        os.sync()
    for partial, path in written:
        try:
            os.replace(partial, path)
        except OSError as error:
            failed[path] = error
            partial.unlink(missing_ok=True)
    return failed


def deliver(con: duckdb.DuckDBPyConnection, settings: Settings, dataset: str) -> list[Undelivered]:
    """Writes the dataset's pending receipts; those written leave the table, the others keep their error."""
    pending = con.execute("SELECT submission_id, path, content FROM raw.pending_receipts WHERE dataset = ? "
                          "ORDER BY recorded_at, path", [dataset]).fetchall()
    failed = write_all_atomically([(settings.data_dir / path, content) for _, path, content in pending])
    undelivered, delivered = [], []
    for submission_id, path, _ in pending:
        error = failed.get(settings.data_dir / path)
        if error is None:
            delivered.append((submission_id, path))
            continue
        undelivered.append(Undelivered(path, error.strerror or str(error)))
        con.execute("UPDATE raw.pending_receipts SET last_error = ? WHERE submission_id = ? AND path = ?",
                    [str(undelivered[-1]), submission_id, path])
    if delivered:
        con.register("delivered", pl.DataFrame(delivered, schema=["submission_id", "path"], orient="row"))
        con.execute("DELETE FROM raw.pending_receipts p USING delivered d "
                    "WHERE p.submission_id = d.submission_id AND p.path = d.path")
        con.unregister("delivered")
    return undelivered

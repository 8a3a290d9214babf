"""Writes participants' reports: each in HTML, PDF and XLSX, published atomically under
outputs/reports/<participant>/<year>/, and left as it is when nothing it shows has changed."""

import hashlib
import io
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from vigie import warehouse
from vigie.reports import mechanism
from vigie.reports.kinds import REPORT_KINDS
from vigie.publish import current_fingerprint, publish
from vigie.reports.render import render_html, render_pdf, render_xlsx
from vigie.settings import PROJECT_ROOT, TEMPLATES_DIR, Settings

PARALLEL_FROM = 8  # reports; below, a pool costs more than it saves
LOAD_WAIT_SECONDS = 600  # a run writing the warehouse (ingestion, dbt) is waited for before the data are read


@dataclass
class WriteSummary:
    written: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """The code and templates that shape a report: a change in them changes every report."""
    files = sorted((PROJECT_ROOT / "vigie" / "reports").glob("*.py")) + sorted(TEMPLATES_DIR.glob("report*"))
    return hashlib.sha256(b"".join(f.read_bytes() for f in files)).digest()


def _fingerprint(data: mechanism.ParticipantData) -> str:
    """What the report of `data` shows, digested before anything is rendered."""
    digest = hashlib.sha256(_code_digest())
    digest.update(repr(data.labels).encode())  # a label or threshold changed in a seed changes the report
    digest.update(repr(sorted(data.row.items())).encode())
    for name in sorted(data.frames):
        buffer = io.BytesIO()
        data.frames[name].write_ipc(buffer)
        digest.update(buffer.getvalue())
    return digest.hexdigest()[:16]


def _link(settings: Settings, participant: str, year: int) -> Path:
    return settings.reports_dir / participant / str(year)


def write_reports(settings: Settings, year: int, participants: list[str] | None = None,
                  log: Callable[[str], None] = lambda _: None) -> WriteSummary:
    """Reports of `year`, of every kind of participant: of `participants`, or of every participant with data."""
    summary = WriteSummary()
    for kind in REPORT_KINDS:
        _write_kind(settings, kind, year, participants, log, summary)
    return summary


def _write_kind(settings: Settings, kind: mechanism.ReportKind, year: int, participants: list[str] | None,
                log: Callable[[str], None], summary: WriteSummary) -> None:
    # Read in seconds, then the warehouse is free again while the reports are rendered: no run waits for them.
    with warehouse.connect(settings.warehouse_path, read_only=True, wait_seconds=LOAD_WAIT_SECONDS) as con:
        targets = mechanism.participants_with_data(con, kind, year)
        if participants is not None:
            wanted = set(participants)
            targets = [t for t in targets if t[0] in wanted]
        everyone = mechanism.load(con, kind, targets)
    pending = []
    for data in everyone:
        key = (data.row["participant_id"], data.year)
        version = _fingerprint(data)
        if current_fingerprint(_link(settings, *key)) == version:
            summary.unchanged.append(key)
        else:
            pending.append((key, version, data))
    log(f"{kind.participant_kind} reports {year}: {len(pending)} to write, {len(everyone) - len(pending)} unchanged")
    for key, version, files in _render_all(kind, pending):
        publish(_link(settings, *key), files, version)
        summary.written.append(key)


def _files(report, html: str, pdf: bytes) -> dict[str, bytes]:
    stem = f"rapport_{report.participant.identifier}_{report.year}"
    return {f"{stem}.html": html.encode("utf-8"), f"{stem}.pdf": pdf, f"{stem}.xlsx": render_xlsx(report)}


def _render_all(kind: mechanism.ReportKind, pending: list):
    """(key, version, files) of each pending report; PDFs, the slow part, are made by a pool of processes."""
    if len(pending) < PARALLEL_FROM:
        for key, version, data in pending:
            report = mechanism.assemble(kind, data)
            html = render_html(report)
            yield key, version, _files(report, html, render_pdf(html))
        return
    workers = max(1, multiprocessing.cpu_count())
    # Spawned, not forked (the caller runs threads); niced, so that ingestion and sensors keep their share of the CPU.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=os.nice,
                             initargs=(10,)) as pool:
        in_flight: list[tuple[tuple, str, object, str, Future]] = []
        for key, version, data in pending:
            report = mechanism.assemble(kind, data)
            html = render_html(report)
            in_flight.append((key, version, report, html, pool.submit(render_pdf, html)))
            while len(in_flight) > 2 * workers:
                yield _done(in_flight.pop(0))
        for item in in_flight:
            yield _done(item)


def _done(item) -> tuple:
    key, version, report, html, future = item
    return key, version, _files(report, html, future.result())

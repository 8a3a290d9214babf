"""Writes participants' reports: each edition in HTML, PDF and XLSX, published atomically under
outputs/<kind's folder>/<participant>/<year>/, and left as it is when nothing it shows has changed; each
publication is recorded in the feedback log (how long participants wait for their report)."""

import hashlib
import io
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from vigie import warehouse
from vigie.landing import safe_name
from vigie.publish import current_fingerprint, publish
from vigie.reports import charts, comparisons, document, feedback, kinds, mechanism, render, suppression
from vigie.reports.document import Report
from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS
from vigie.reports.render import render_html, render_pdf, render_xlsx
from vigie.reports.suppression import masking_notice, public_edition
from vigie.settings import TEMPLATES_DIR, Settings

PARALLEL_FROM = 8  # reports; below, a pool costs more than it saves
LOAD_WAIT_SECONDS = 600  # a run writing the warehouse (ingestion, dbt) is waited for before the data are read


@dataclass
class WriteSummary:
    written: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[tuple[str, int]] = field(default_factory=list)


# The modules that shape every kind of report, besides the contributions' own.
SHAPING_MODULES = (charts, comparisons, document, kinds, mechanism, render, suppression)


def _shaping_files(kind: mechanism.ReportKind) -> list[Path]:
    """The code and template that shape a kind's reports: a change in them rewrites each of its reports, and only
    those (a change in the activity report's code, say, leaves the participants' reports as they are)."""
    modules = set(SHAPING_MODULES) | {sys.modules[c.sections.__module__] for c in kind.contributions}
    return sorted(Path(module.__file__) for module in modules) + [TEMPLATES_DIR / "report.html.j2",
                                                                  TEMPLATES_DIR / "report.typ"]


def _code_digest(kind: mechanism.ReportKind) -> bytes:
    return hashlib.sha256(b"".join(f.read_bytes() for f in _shaping_files(kind))).digest()


def _fingerprint(code: bytes, data: mechanism.ParticipantData) -> str:
    """What the report of `data` shows, digested before anything is rendered."""
    digest = hashlib.sha256(code)
    digest.update(repr(data.labels).encode())  # a label or threshold changed in a seed changes the report
    digest.update(repr(sorted(data.row.items())).encode())
    for name in sorted(data.frames):
        buffer = io.BytesIO()
        data.frames[name].write_ipc(buffer)
        digest.update(buffer.getvalue())
    return digest.hexdigest()[:16]


def _link(settings: Settings, kind: mechanism.ReportKind, participant: str, year: int) -> Path:
    """A laboratory's identifier is what its files say: a folder name made of it stays within the reports."""
    return settings.outputs_dir / kind.folder / safe_name(participant) / str(year)


def write_reports(settings: Settings, year: int, participants: list[str] | None = None,
                  log: Callable[[str], None] = lambda _: None,
                  kinds: list[mechanism.ReportKind] = PARTICIPANT_REPORT_KINDS) -> WriteSummary:
    """Reports of `year` of each of `kinds`: of `participants`, or of every participant with data."""
    summary = WriteSummary()
    with _Renderers() as renderers:
        for kind in kinds:
            _write_kind(settings, kind, year, participants, log, summary, renderers)
    return summary


class _Renderers:
    """The pool of processes that render reports, started when many are to be rendered and kept for every kind (each
    process starts in seconds: imports, fonts, the chart engine)."""

    def __init__(self):
        self.workers = max(1, multiprocessing.cpu_count())
        self._pool: ProcessPoolExecutor | None = None

    def pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # Spawned, not forked (the caller runs threads); niced, so that ingestion and sensors keep their share
            # of the CPU.
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=os.nice, initargs=(10,))
        return self._pool

    def __enter__(self) -> "_Renderers":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def _write_kind(settings: Settings, kind: mechanism.ReportKind, year: int, participants: list[str] | None,
                log: Callable[[str], None], summary: WriteSummary, renderers: _Renderers) -> None:
    # Read in seconds, then the warehouse is free again while the reports are rendered: no run waits for them.
    with warehouse.connect(settings.warehouse_path, read_only=True, wait_seconds=LOAD_WAIT_SECONDS) as con:
        targets = mechanism.participants_with_data(con, kind, year)
        if participants is not None:
            wanted = set(participants)
            targets = [t for t in targets if t[0] in wanted]
        everyone = mechanism.load(con, kind, targets)
    pending, code = [], _code_digest(kind)
    for data in everyone:
        key = (data.row["participant_id"], data.year)
        version = _fingerprint(code, data)
        if current_fingerprint(_link(settings, kind, *key)) == version:
            summary.unchanged.append(key)
        else:
            pending.append((key, version, data))
    log(f"{kind.participant_kind} reports {year}: {len(pending)} to write, {len(everyone) - len(pending)} unchanged")
    received = {key: data.row["data_received_until"] for key, _, data in pending}
    for key, version, files in _render_all(kind, pending, renderers):
        if publish(_link(settings, kind, *key), files, version).written:  # not by a concurrent run before this one
            feedback.record(settings, kind.participant_kind, key, received[key], version)
            summary.written.append(key)
        else:
            summary.unchanged.append(key)


def _editions(kind: mechanism.ReportKind, data: mechanism.ParticipantData) -> list[tuple[str, Report]]:
    """(file stem, report) of each edition of the participant's report."""
    report = mechanism.assemble(kind, data)
    stem = f"{kind.stem}_{safe_name(report.participant.identifier)}_{report.year}"
    threshold = int(data.labels.thresholds["min_published_count"])
    return [(stem + edition.suffix, public_edition(report, threshold, masking_notice(threshold))
             if edition.public else report) for edition in kind.editions]


def _render(editions: list[tuple[str, Report]]) -> dict[str, bytes]:
    """Each edition's files: HTML, PDF and XLSX."""
    files = {}
    for stem, report in editions:
        files |= {f"{stem}.html": render_html(report).encode("utf-8"), f"{stem}.pdf": render_pdf(report),
                  f"{stem}.xlsx": render_xlsx(report)}
    return files


def _render_all(kind: mechanism.ReportKind, pending: list, renderers: _Renderers):
    """(key, version, files) of each pending report, rendered by a pool of processes when there are many."""
    if len(pending) < PARALLEL_FROM:
        for key, version, data in pending:
            yield key, version, _render(_editions(kind, data))
        return
    pool = renderers.pool()
    in_flight: list[tuple[tuple, str, Future]] = []
    for key, version, data in pending:
        in_flight.append((key, version, pool.submit(_render, _editions(kind, data))))
        while len(in_flight) > 2 * renderers.workers:
            key, version, future = in_flight.pop(0)
            yield key, version, future.result()
    for key, version, future in in_flight:
        yield key, version, future.result()

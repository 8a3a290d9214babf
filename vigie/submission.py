"""One submitted file as it goes through ingestion: its bytes, its frame, its findings and its fate."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from quality.rules import CRITICAL, WARNING
from quality.validate import Finding
from vigie.landing import LandedFile
from vigie.parts import Parts

ACCEPTED, WARNED, REJECTED, DUPLICATE = "accepted", "accepted_with_warnings", "rejected", "duplicate"


@dataclass
class Submission:
    file: LandedFile
    submission_id: str
    dataset: str
    text: pl.DataFrame | None = None
    parts: Parts | None = None  # a large file's rows, read in parts instead of `text`
    sender: str = "inconnu"
    findings: list[Finding] = field(default_factory=list)
    duplicate_of_known: bool = False
    ingest_seq: int = 0
    stored_path: str = ""
    extra_columns: list[str] = field(default_factory=list)
    superseded: list[tuple[str, str]] = field(default_factory=list)  # (key, earlier submission id)
    notes: list[str] = field(default_factory=list)  # what the receipt recalls to the sender (conventions, ...)
    n_rows: int = 0
    first_received: dt.datetime | None = None  # a duplicate: when its first copy was received

    @property
    def status(self) -> str:
        if self.duplicate_of_known:
            return DUPLICATE
        if any(f.severity == CRITICAL for f in self.findings):
            return REJECTED
        if any(f.severity == WARNING for f in self.findings):
            return WARNED
        return ACCEPTED

    @property
    def is_loaded(self) -> bool:
        return self.status in (ACCEPTED, WARNED)

    def reject(self, rule_id: str, columns: list[str], message: str, lines=(), values=()) -> None:
        self.findings.append(Finding(self.submission_id, rule_id, list(columns), CRITICAL, message,
                                     list(lines), list(values), max(len(lines), 1)))

    def count(self, severity: str) -> int:
        return sum(f.n_failing for f in self.findings if f.severity == severity)


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)

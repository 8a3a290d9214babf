"""`vigie bench --latency DIR`: how long a participant waits, with the daemon's sensors running as in production, on a
data directory whose warehouse is built (kept by `vigie bench --keep DIR`).

- A corrected file: an establishment's SPARES consumption sent again with one quantity changed, and a laboratory's
  isolates sent again with one MIC changed, from the moment it lands to the moment the participant's report is
  published (a new line in the feedback log).
- A rejected file: the same extraction without a required column, from the moment it lands to its receipt.

Each is measured `runs` times, one after the other, and the median reported. Before the daemon starts, the report
sensor's cursor is set past every submission already in the warehouse, as a running instance would have it."""

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from vigie.bench.command import run_environment
from vigie.landing import safe_name
from vigie.settings import PROJECT_ROOT, Settings

REPORT_SENSOR = "participant_report_sensor"
POLL_SECONDS = 0.5
TIMEOUT_SECONDS = 900


def _unique_number() -> float:
    """A few units, never the same twice: a corrected file is a new version (the same bytes again would be answered
    as a duplicate)."""
    return 1 + time.time_ns() // 10_000_000 % 100_000 / 100


def _raise_quantity(text: pl.DataFrame) -> pl.DataFrame:
    raised = float(text["quantity"][0].replace(",", ".")) + _unique_number()
    return _first_cell(text, "quantity", f"{raised:.2f}")


def _new_mic(text: pl.DataFrame) -> pl.DataFrame:
    return _first_cell(text, "mic", f"{_unique_number():.2f}")


def _first_cell(text: pl.DataFrame, column: str, value: str) -> pl.DataFrame:
    first_row = pl.int_range(pl.len()) == 0
    return text.with_columns(pl.when(first_row).then(pl.lit(value)).otherwise(pl.col(column)).alias(column))


@dataclass(frozen=True)
class Case:
    """A participant's file whose latencies are measured: its dataset, the column naming its sender, the kind of
    report it feeds, a correction of one cell, and a required column whose absence rejects it."""
    name: str
    dataset: str
    sender_column: str
    participant_kind: str
    correct: Callable[[pl.DataFrame], pl.DataFrame]
    dropped: str


CASES = (Case("an establishment's SPARES consumption", "spares_consumption", "finess", "establishment",
              _raise_quantity, "unit"),
         Case("a laboratory's isolates", "isolates", "source_id", "laboratory", _new_mic, "sir"))


@dataclass(frozen=True)
class Extraction:
    case: Case
    participant: str
    text: pl.DataFrame  # as read: every cell the text its sender wrote


def _participants(settings: Settings, kind: str) -> set[str]:
    from vigie import warehouse

    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        return {row[0] for row in con.execute("SELECT participant_id FROM marts.report_participants "
                                              "WHERE participant_kind = ?", [kind]).fetchall()}


def an_accepted_extraction(settings: Settings, case: Case) -> Extraction | None:
    """The first accepted file of the case's dataset kept in the archive (CSV, workbook or Parquet), as text, from
    a participant with a report of the case's kind; None when there is none."""
    from vigie.protocol import DATASETS
    from vigie.reading import read_submission

    columns, reported = DATASETS[case.dataset].column_names, _participants(settings, case.participant_kind)
    for path in sorted((settings.archive_dir / case.dataset).glob("*")):
        text = read_submission(path, settings.limits, frozenset(columns)).frame
        if set(columns) <= set(text.columns) and text.height and text[case.sender_column][0] in reported:
            return Extraction(case, text[case.sender_column][0], text.select(columns))
    return None


def land(settings: Settings, dataset: str, rows: pl.DataFrame, name: str) -> tuple[str, float]:
    """Writes `rows` as a CSV file into the landing area in one rename; returns its submission identifier and the
    time it landed."""
    from vigie.landing import submission_id

    folder = settings.landing_dir / dataset
    folder.mkdir(parents=True, exist_ok=True)
    scratch = settings.data_dir / f".{name}"
    rows.write_csv(scratch, separator=";")
    identifier = submission_id(scratch)
    landed_at = time.time()
    os.replace(scratch, folder / name)
    return identifier, landed_at


def _reports_of(settings: Settings, finess: str) -> int:
    from vigie.reports import feedback

    log = feedback.read(settings)
    return log.filter(pl.col("participant_id") == finess).height


def _wait(until, what: str) -> float:
    started = time.time()
    while time.time() - started < TIMEOUT_SECONDS:
        if until():
            return time.time()
        time.sleep(POLL_SECONDS)
    raise TimeoutError(f"{what} not there after {TIMEOUT_SECONDS} s")


def report_latency(settings: Settings, extraction: Extraction, number: int) -> float:
    case, participant = extraction.case, extraction.participant
    before = _reports_of(settings, participant)
    _, landed_at = land(settings, case.dataset, case.correct(extraction.text),
                        f"latency_corrected_{safe_name(participant)}_{number}.csv")
    return _wait(lambda: _reports_of(settings, participant) > before, f"the report of {participant}") - landed_at


def receipt_latency(settings: Settings, extraction: Extraction, number: int) -> float:
    case = extraction.case
    rows = case.correct(extraction.text).drop(case.dropped)
    identifier, landed_at = land(settings, case.dataset, rows,
                                 f"latency_rejected_{safe_name(extraction.participant)}_{number}.csv")
    return _wait(lambda: any(settings.receipts_dir.glob(f"*/*_{case.dataset}_{identifier[:12]}*.html")),
                 f"the receipt of {identifier[:12]}") - landed_at


def _dagster(name: str) -> str:
    return str(Path(sys.executable).with_name(name))


def _reports_cursor(settings: Settings) -> int:
    from vigie import warehouse

    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        return con.execute("SELECT coalesce(max(ingest_seq), 0) FROM raw.submissions").fetchone()[0]


def _start_daemon(settings: Settings, env: dict[str, str], log: Path) -> subprocess.Popen:
    for command in (["cursor", REPORT_SENSOR, "--set", str(_reports_cursor(settings))],
                    ["start", REPORT_SENSOR]):  # a cursor set on a sensor never started leaves it stopped
        subprocess.run([_dagster("dagster"), "sensor", *command, "-w", "workspace.yaml"], cwd=PROJECT_ROOT, env=env,
                       check=True, capture_output=True)
    daemon = subprocess.Popen([_dagster("dagster-daemon"), "run", "-w", "workspace.yaml"], cwd=PROJECT_ROOT, env=env,
                              stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    _wait(lambda: "landing_sensor" in log.read_text(errors="replace"), "the daemon's first sensor evaluation")
    return daemon


def measure(data_dir: Path, runs: int) -> dict:
    """Latencies (seconds) of `runs` corrected and rejected files of each case on DATA_DIR, with the daemon running;
    a case without an accepted file of a reported participant is said, not measured."""
    from vigie.instance import prepare
    from vigie.settings import load_settings

    # This process's environment is left as it is (the caller may be a test); the daemon gets the run's.
    env = {**run_environment(data_dir), "VIGIE_ENV": "demo"}  # synthetic data: the demo key, as `vigie bench`
    settings = replace(load_settings(demo=True), data_dir=data_dir.resolve())
    prepare(Path(env["DAGSTER_HOME"]), env)
    extractions = {case.name: an_accepted_extraction(settings, case) for case in CASES}
    daemon = _start_daemon(settings, env, data_dir / "latency_daemon.log")
    try:
        return {name: _measure_case(settings, extraction, runs) if extraction else None
                for name, extraction in extractions.items()}
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)


def _measure_case(settings: Settings, extraction: Extraction, runs: int) -> dict:
    report, receipt = [], []
    for number in range(runs):
        report.append(report_latency(settings, extraction, number))
        print(f"  {extraction.case.name}, corrected file {number + 1}/{runs}: report after {report[-1]:.1f} s",
              flush=True)
        receipt.append(receipt_latency(settings, extraction, number))
        print(f"  {extraction.case.name}, rejected file {number + 1}/{runs}: receipt after {receipt[-1]:.1f} s",
              flush=True)
    return {"participant": extraction.participant, "corrected_to_report": report, "rejected_to_receipt": receipt,
            "corrected_to_report_median": statistics.median(report),
            "rejected_to_receipt_median": statistics.median(receipt)}

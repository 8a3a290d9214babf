"""`vigie bench --latency DIR`: how long a participant waits, with the daemon's sensors running as in production, on a
data directory whose warehouse is built (kept by `vigie bench --keep DIR`).

- A corrected file: an establishment's SPARES consumption sent again with one quantity changed, from the moment it
  lands to the moment its report is published (a new line in the feedback log).
- A rejected file: the same extraction without its `unit` column, from the moment it lands to its receipt.

Each is measured `runs` times, one after the other, and the median reported. Before the daemon starts, the report
sensor's cursor is set past every submission already in the warehouse, as a running instance would have it."""

import os
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from vigie.bench.command import run_environment
from vigie.settings import PROJECT_ROOT, Settings

DATASET = "spares_consumption"
REPORT_SENSOR = "participant_report_sensor"
POLL_SECONDS = 0.5
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Extraction:
    finess: str
    text: pl.DataFrame  # as read: every cell the text its sender wrote


def an_accepted_extraction(settings: Settings) -> Extraction:
    """The first accepted SPARES consumption file kept in the archive (CSV, workbook or Parquet), as text."""
    from vigie.protocol import DATASETS
    from vigie.reading import read_submission

    columns = DATASETS[DATASET].column_names
    for path in sorted((settings.archive_dir / DATASET).glob("*")):
        text = read_submission(path, settings.limits, frozenset(columns)).frame
        if set(columns) <= set(text.columns) and text.height:
            return Extraction(text["finess"][0], text.select(columns))
    raise RuntimeError(f"no accepted {DATASET} file in {settings.archive_dir / DATASET}: run `vigie bench --keep`")


def corrected(extraction: Extraction) -> pl.DataFrame:
    """The extraction with its first quantity raised by a few units, never the same twice: a new version (the same bytes
    again would be answered as a duplicate), so a new report."""
    quantity = float(extraction.text["quantity"][0].replace(",", "."))
    raised = quantity + 1 + time.time_ns() // 10_000_000 % 100_000 / 100
    first_row = pl.int_range(pl.len()) == 0
    return extraction.text.with_columns(
        pl.when(first_row).then(pl.lit(f"{raised:.2f}")).otherwise(pl.col("quantity")).alias("quantity"))


def land(settings: Settings, rows: pl.DataFrame, name: str) -> tuple[str, float]:
    """Writes `rows` as a CSV file into the landing area in one rename; returns its submission identifier and the
    time it landed."""
    from vigie.landing import submission_id

    folder = settings.landing_dir / DATASET
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
    before = _reports_of(settings, extraction.finess)
    _, landed_at = land(settings, corrected(extraction), f"latency_corrected_{extraction.finess}_{number}.csv")
    return _wait(lambda: _reports_of(settings, extraction.finess) > before,
                 f"the report of {extraction.finess}") - landed_at


def receipt_latency(settings: Settings, extraction: Extraction, number: int) -> float:
    rows = corrected(extraction).drop("unit")
    identifier, landed_at = land(settings, rows, f"latency_rejected_{extraction.finess}_{number}.csv")
    return _wait(lambda: any(settings.receipts_dir.glob(f"*/*_{DATASET}_{identifier[:12]}*.html")),
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
    """Latencies (seconds) of `runs` corrected and rejected files on DATA_DIR, with the daemon running."""
    from vigie.instance import prepare
    from vigie.settings import load_settings

    # This process's environment is left as it is (the caller may be a test); the daemon gets the run's.
    env = {**run_environment(data_dir), "VIGIE_ENV": "demo"}  # synthetic data: the demo key, as `vigie bench`
    settings = replace(load_settings(demo=True), data_dir=data_dir.resolve())
    prepare(Path(env["DAGSTER_HOME"]), env)
    extraction = an_accepted_extraction(settings)
    daemon = _start_daemon(settings, env, data_dir / "latency_daemon.log")
    report, receipt = [], []
    try:
        for number in range(runs):
            report.append(report_latency(settings, extraction, number))
            print(f"  corrected file {number + 1}/{runs}: report after {report[-1]:.1f} s", flush=True)
            receipt.append(receipt_latency(settings, extraction, number))
            print(f"  rejected file {number + 1}/{runs}: receipt after {receipt[-1]:.1f} s", flush=True)
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=60)
    return {"establishment": extraction.finess, "corrected_to_report": report, "rejected_to_receipt": receipt,
            "corrected_to_report_median": statistics.median(report),
            "rejected_to_receipt_median": statistics.median(receipt)}

"""Benchmark: every participant's report of one year (HTML, PDF, XLSX), median of several runs.

    python -m benchmarks.reports --data DIR [--year 2025] [--runs 3]

DIR is a data directory whose warehouse is built (`VIGIE_DATA_DIR=DIR vigie run`). Each run writes the reports
into a fresh copy of the outputs, so that none is skipped as unchanged; it reports the time to load the data,
to assemble and render the pages, and in all, then the time of a run where nothing changed (every report
recognised as unchanged).
"""

import argparse
import os
import resource
import shutil
import statistics
import time
from pathlib import Path


def _run(settings, year: int) -> tuple[float, int]:
    from vigie.reports.writer import write_reports

    clock = time.perf_counter()
    summary = write_reports(settings, year)
    return time.perf_counter() - clock, len(summary.written)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ["VIGIE_DATA_DIR"] = str(Path(args.data).resolve())
    from vigie.settings import load_settings

    settings = load_settings(demo=True)
    times, written = [], 0
    for run in range(args.runs):
        shutil.rmtree(settings.reports_dir, ignore_errors=True)
        seconds, written = _run(settings, args.year)
        times.append(seconds)
        print(f"run {run + 1}: {written} reports in {seconds:.1f} s ({seconds / max(written, 1):.2f} s a report)")
    unchanged, _ = _run(settings, args.year)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"median of {args.runs}: {statistics.median(times):.1f} s for {written} reports "
          f"({statistics.median(times) / max(written, 1):.2f} s a report, {os.cpu_count()} cores); "
          f"nothing changed: {unchanged:.1f} s; peak memory of the main process {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

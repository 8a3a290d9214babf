"""Benchmark: ingestion + validation of one national year, stage by stage, median of several runs.

    python -m benchmarks.ingest [--runs 3] [--landing DIR]

Generates the national year once (into DIR, default data/bench/landing, reused if present), then for each
run copies it into a fresh data directory and ingests every dataset in a separate process, measuring wall
time per dataset and the peak memory of the process. Prints medians and rows per second.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(data_dir: str) -> None:
    """In the child process: ingests every dataset, prints timings as JSON."""
    os.environ["VIGIE_DATA_DIR"] = data_dir
    from vigie.ingest import ingest_dataset
    from vigie.protocol import DATASETS
    from vigie.settings import load_settings

    settings = load_settings(demo=True)
    started = time.perf_counter()
    from quality.suites import _context

    _context()  # Great Expectations' import and context, counted apart from the datasets

    timings = {"imports": time.perf_counter() - started}
    rows = {}
    for name in DATASETS:
        clock = time.perf_counter()
        report = ingest_dataset(name, settings)
        timings[name] = time.perf_counter() - clock
        rows[name] = report.rows_loaded
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"timings": timings, "rows": rows, "peak_mb": peak_mb}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--landing", default="data/bench/landing")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        one_run(args.child)
        return 0
    landing = Path(args.landing)
    if not landing.exists():
        clock = time.perf_counter()
        subprocess.run([sys.executable, "-m", "vigie.cli", "generate", "--scale", "national", "--out", str(landing)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"generation (national, one year): {time.perf_counter() - clock:.1f} s")
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(dir=landing.parent) as tmp:
            shutil.copytree(landing, Path(tmp) / "landing")
            out = subprocess.run([sys.executable, "-m", "benchmarks.ingest", "--child", tmp],
                                 check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            results.append(result)
            total = sum(v for k, v in result["timings"].items())
            print(f"run {run + 1}: {total:.1f} s, peak RSS {result['peak_mb']:.0f} MB")
    _report(results)
    return 0


def _report(results: list[dict]) -> None:
    rows = results[0]["rows"]
    print(f"\n{'stage':<24} {'median s':>9} {'rows':>12} {'rows/s':>10}")
    for stage in results[0]["timings"]:
        median = statistics.median(r["timings"][stage] for r in results)
        n = rows.get(stage, 0)
        print(f"{stage:<24} {median:>9.2f} {n:>12,} {n / median if n else 0:>10,.0f}")
    total = statistics.median(sum(r["timings"].values()) for r in results)
    print(f"{'total':<24} {total:>9.2f} {sum(rows.values()):>12,}")
    print(f"peak RSS of the ingesting process: median {statistics.median(r['peak_mb'] for r in results):.0f} MB")


if __name__ == "__main__":
    sys.exit(main())

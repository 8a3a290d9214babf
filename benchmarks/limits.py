"""Benchmark: the memory of ingesting one big file, hostile or valid (run under `/usr/bin/time -v`).

    python -m benchmarks.limits hostile OUT.xlsx [--rows 1000000] [--columns 48]
    python -m benchmarks.limits isolates OUT.csv|OUT.xlsx [--rows 2500000]
    python -m benchmarks.limits ingest FILE [--dataset isolates]

`hostile` writes the workbook of the issue (a few MB that expand to a million rows of 48 columns) with
xlsxwriter's constant_memory mode; `isolates` writes a valid laboratory extraction of about `--rows` rows from
the demo generator; `ingest` lands FILE alone in a fresh data directory, ingests it and prints its fate, the
time and the process's peak resident memory.
"""

import argparse
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

ISOLATE_ROWS_PER_PRIMARY = 9.2  # rows a community isolate of the demo generator has on average (one per antibiotic)


def hostile(out: Path, rows: int, columns: int) -> None:
    import xlsxwriter

    from vigie.protocol import DATASETS

    names = DATASETS["isolates"].column_names  # the protocol's header, so that the rows reach validation
    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, [*names, *(f"colonne_{i}" for i in range(len(names) + 1, columns + 1))])
    for row in range(1, rows + 1):  # two cells a row: the sheet spans every column all the same
        sheet.write_string(row, 0, "310781406")
        sheet.write_number(row, columns - 1, row % 7)
    workbook.close()


def isolates(out: Path, rows: int) -> None:
    import numpy as np

    from vigie.demo import laboratory

    rng = np.random.default_rng(2026)
    frame = laboratory.isolates(rng, "LAB00001", "COMM", 2025, int(rows / ISOLATE_ROWS_PER_PRIMARY), None, "31",
                                "name")
    if out.suffix == ".xlsx":
        _workbook(frame, out)
    else:
        frame.write_csv(out, separator=";")


def _workbook(frame, out: Path) -> None:
    """Every cell written, a row at a time (polars' write_excel would hold the whole workbook)."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, frame.columns)
    for number, row in enumerate(frame.cast({c: str for c in frame.columns}).iter_rows(), start=1):
        sheet.write_row(number, 0, row)
    workbook.close()


def ingest(path: Path, dataset: str) -> None:
    with tempfile.TemporaryDirectory(prefix="vigie-limits-") as folder:
        os.environ["VIGIE_DATA_DIR"] = folder
        from vigie.ingest import ingest_dataset
        from vigie.settings import load_settings

        settings = load_settings(demo=True)
        settings.ensure_dirs()
        (settings.landing_dir / dataset).mkdir(parents=True)
        shutil.copy(path, settings.landing_dir / dataset / path.name)
        started = time.perf_counter()
        report = ingest_dataset(dataset, settings, log=print)
        seconds = time.perf_counter() - started
    for sub in report.submissions:
        print(f"{sub.file.name}: {sub.status}, {report.rows_loaded:,} rows loaded")
        for finding in sub.findings[:5]:
            print(f"  {finding.rule_id}: {finding.message}")
    print(f"ingestion {seconds:.1f} s ({dict(report.seconds)}), "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20:.2f} GiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["hostile", "isolates", "ingest"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int)
    parser.add_argument("--columns", type=int, default=48)
    parser.add_argument("--dataset", default="isolates")
    args = parser.parse_args()
    if args.action == "hostile":
        hostile(args.path, args.rows or 1_000_000, args.columns)
    elif args.action == "isolates":
        isolates(args.path, args.rows or 2_500_000)
    else:
        ingest(args.path, args.dataset)


if __name__ == "__main__":
    main()

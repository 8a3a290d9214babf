"""Benchmark: every restitution deliverable of one year, through its Dagster job, median of several runs.

    python -m benchmarks.restitution --data DIR [--year 2025] [--runs 3]

DIR is a data directory whose warehouse is built (`VIGIE_DATA_DIR=DIR vigie run`). Each run deletes the outputs
of the year first (regional outputs, SpF package, ECDC exports, activity report, analysts' copy), so that nothing is
skipped as unchanged, then runs, on a throwaway Dagster instance: the 18 regional outputs (one run per region),
the SpF package, the ECDC exports, the activity report and the analysts' copy (with the dbt documentation).
"""

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

DELIVERABLES = ["produce_regional_outputs", "transmit_to_spf", "export_to_ecdc", "produce_activity_report",
                "analysts_copy"]


def _clear(settings, year: int) -> None:
    outputs = settings.outputs_dir
    for folder in [*outputs.glob(f"regional/*/{year}"), outputs / "activity" / str(year),
                   outputs / "transmissions" / "spf" / str(year), outputs / "transmissions" / "ecdc" / str(year),
                   outputs / "analysts" / "current"]:
        if folder.is_symlink():
            folder.unlink()
        elif folder.exists():
            shutil.rmtree(folder)


def _time_job(defs, instance, resources, name: str, year: int) -> float:
    import dagster as dg

    from orchestration.partitions import keys_for_year

    if name == "analysts_copy":
        job = defs.get_implicit_global_asset_job_def().get_subset(asset_selection={dg.AssetKey("analysts_copy")})
        keys = [None]
    else:
        job = defs.resolve_job_def(name)
        keys = keys_for_year(job.partitions_def, year)
    clock = time.perf_counter()
    for key in keys:
        assert job.execute_in_process(instance=instance, resources=resources, partition_key=key).success, (name, key)
    return time.perf_counter() - clock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data_dir = Path(args.data).resolve()
    os.environ["VIGIE_DATA_DIR"] = str(data_dir)
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.resources import build_resources
    from vigie.settings import load_settings

    settings = load_settings(demo=True)
    resources = build_resources(data_dir=str(data_dir), demo=True)
    times: dict[str, list[float]] = {name: [] for name in DELIVERABLES}
    for run in range(args.runs):
        _clear(settings, args.year)
        with tempfile.TemporaryDirectory() as home, dg.instance_for_test(temp_dir=home) as instance:
            for name in DELIVERABLES:
                times[name].append(_time_job(defs, instance, resources, name, args.year))
        print(f"run {run + 1}: " + ", ".join(f"{name} {seconds[-1]:.1f} s" for name, seconds in times.items()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n| deliverable ({args.year}) | median of {args.runs} (s) |\n|---|---:|")
    for name, seconds in times.items():
        print(f"| {name} | {statistics.median(seconds):.1f} |")
    total = statistics.median([sum(run) for run in zip(*times.values())])
    print(f"| all | {total:.1f} |\n\n{os.cpu_count()} cores; peak memory of the process {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

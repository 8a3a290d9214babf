"""`vigie bench`: a national year (or a fraction of one) generated once, then the whole platform run on it several
times in a fresh data directory, stage by stage, with its peak memory; the raw DuckDB kernel on the same accepted
files, checked row for row against the marts; medians written as JSON and Markdown."""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vigie.bench import lineage, report, stages
from vigie.bench.memory import PeakSampler

KERNEL_MARTS = ["consumption_rates", "resistance_rates", "resistant_incidence"]
COMPLETE = ".complete"
PEAK_PROCESSES = 8


def cached_landing(cache: Path, seed: int, scale: float, years: list[int]) -> Path:
    """The landing area of `scale` × a national year for `years`, generated once per seed, scale and years."""
    from vigie.demo.generate import generate

    folder = cache / f"national_x{scale:g}_seed{seed}_{years[0]}-{years[-1]}"
    if not (folder / COMPLETE).exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"Generating {scale:g} × a national year ({years[0]}-{years[-1]}, seed {seed}) into {folder}", flush=True)
        generate(folder / "landing", "national", years, seed, progress=lambda _: None, fraction=scale)
        (folder / COMPLETE).touch()
    return folder / "landing"


def run_environment(data_dir: Path) -> dict[str, str]:
    """A throwaway instance for each run: SQLite in its data directory, even where production sets DAGSTER_PG_*
    (benchmark runs have no place in the production runs history)."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("DAGSTER_PG_")}
    return {**kept, "VIGIE_DATA_DIR": str(data_dir), "DAGSTER_HOME": str(data_dir / "dagster_home")}


def platform_run(landing: Path, data_dir: Path) -> dict:
    """The whole platform on a copy of `landing` (hard links: landing files move to archive, the cache stays)."""
    shutil.copytree(landing, data_dir / "landing", copy_function=os.link)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "vigie.bench.child", str(data_dir)],
                             env=run_environment(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakSampler(child.pid) as sampler:
        out, err = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the benchmark run failed:\n{err[-4000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    return {**result, "process_wall": time.perf_counter() - started, "peak_bytes": sampler.peak_bytes,
            "peak_seconds": sampler.peak_seconds, "peak_processes": sampler.peak_processes,
            "memory_timeline": sampler.timeline}


def kernel_run(data_dir: Path, runs: int) -> dict:
    """The kernel on the accepted files of a platform run, `runs` times; its differences with the marts."""
    import duckdb

    from vigie.bench import compare, kernel

    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        files = kernel.accepted_files(con)
        seconds, results = [], None
        for _ in range(runs):
            started = time.perf_counter()
            results = kernel.compute(files)
            seconds.append(time.perf_counter() - started)
        differences = compare.differences(results, con)
    finally:
        con.close()
    return {"seconds": seconds, "rows": {name: frame.height for name, frame in results.items()},
            "differences": differences}


def bench(scale: float, runs: int, seed: int, years: list[int], cache: Path, with_kernel: bool = True,
          keep: Path | None = None) -> dict:
    """Times `runs` platform runs on `scale` × a national year (and the kernel on the last one); `keep` receives
    the last run's data directory (warehouse, outputs, Dagster instance), to profile a stage on its own."""
    from orchestration.dbt_project import vigie_dbt_project

    manifest = lineage.load(vigie_dbt_project.manifest_path)
    kernel_nodes = lineage.lineage(manifest, KERNEL_MARTS)
    landing = cached_landing(cache, seed, scale, years)
    samples, kernel_result = [], None
    for number in range(1, runs + 1):
        with tempfile.TemporaryDirectory(dir=cache, prefix="run-", ignore_cleanup_errors=True) as tmp:
            run = platform_run(landing, Path(tmp))
            print(f"  run {number}/{runs}: {run['process_wall']:.1f} s, peak {run['peak_bytes'] / 2**30:.2f} GiB"
                  f" at {run['peak_seconds']:.0f} s ({report.peak_holders(run['peak_processes'])})"
                  f"{'' if run['success'] else ' (FAILED steps: see the Dagster instance)'}", flush=True)
            run["stages"] = stages.stage_seconds(run)
            run["stage_peaks"] = stages.stage_peaks(run["spans"], run.pop("memory_timeline"))
            run["dbt_layers"] = stages.layer_seconds(run["dbt_nodes"], lineage.layer_of(manifest))
            run["kernel_marts_platform"] = stages.lineage_seconds(run, lineage.datasets(kernel_nodes), kernel_nodes)
            if with_kernel and number == runs:
                kernel_result = kernel_run(Path(tmp), runs)
            if keep and number == runs:
                shutil.rmtree(keep, ignore_errors=True)
                shutil.move(tmp, keep)
            samples.append(run)
    return summarise(scale, seed, years, samples, kernel_result)


def summarise(scale: float, seed: int, years: list[int], samples: list[dict], kernel_result: dict | None) -> dict:
    platform_marts = statistics.median(s["kernel_marts_platform"] for s in samples)
    summary = {
        "scale": scale, "seed": seed, "years": years, "runs": len(samples),
        "all_succeeded": all(s["success"] for s in samples),
        "rows": {dataset: d["rows"] for dataset, d in samples[0]["ingestion"].items()},
        "wall_seconds": [s["process_wall"] for s in samples],
        "wall_median": statistics.median(s["process_wall"] for s in samples),
        "peak_bytes": [s["peak_bytes"] for s in samples],
        "peak_median_bytes": statistics.median(s["peak_bytes"] for s in samples),
        "peaks": [{"seconds": s["peak_seconds"], "processes": s["peak_processes"][:PEAK_PROCESSES]} for s in samples],
        "stages": stages.medians([s["stages"] for s in samples]),
        "stage_runs": [s["stages"] for s in samples],
        "stage_peak_bytes": stages.medians([s["stage_peaks"] for s in samples]),
        "dbt_layers": stages.medians([s["dbt_layers"] for s in samples]),
        "kernel_marts": KERNEL_MARTS,
        "platform_seconds_for_kernel_marts": platform_marts,
    }
    if kernel_result:
        kernel_median = statistics.median(kernel_result["seconds"])
        summary["kernel"] = {**kernel_result, "median": kernel_median,
                             "ratio": platform_marts / kernel_median if kernel_median else None,
                             "equal": not any(kernel_result["differences"].values())}
    return summary


def _write_whole(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def write(summary: dict, out: Path, stem: str) -> Path:
    """`<stem>.json` and `<stem>.md` in `out`, each written whole."""
    out.mkdir(parents=True, exist_ok=True)
    _write_whole(out / f"{stem}.json", json.dumps(summary, indent=2))
    _write_whole(out / f"{stem}.md", report.markdown(summary))
    return out / f"{stem}.md"


def write_curve(summaries: list[dict], out: Path) -> Path:
    _write_whole(out / "bench_curve.json", json.dumps(summaries, indent=2))
    _write_whole(out / "bench_curve.md", report.curve_markdown(summaries))
    return out / "bench_curve.md"


def write_latency(result: dict, out: Path) -> Path:
    _write_whole(out / "bench_latency.json", json.dumps(result, indent=2))
    _write_whole(out / "bench_latency.md", report.latency_markdown(result))
    return out / "bench_latency.md"


def curve(scales: list[float], runs: int, seed: int, years: list[int], cache: Path) -> list[dict]:
    return [bench(scale, runs, seed, years, cache, with_kernel=False) for scale in scales]

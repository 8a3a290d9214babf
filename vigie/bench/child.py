"""One timed run of the whole platform, in its own process: `python -m vigie.bench.child DATA_DIR`.

Runs what `vigie run` runs on DATA_DIR, then reads from the run's Dagster instance where the time went and prints
it as one line of JSON: the wall time, each job's step durations and spans, each dataset's reading, validation and loading,
and each dbt node's execution time (models, seeds and tests)."""

import json
import sys
import time
from collections import defaultdict

INGESTION_STAGES = ("reading", "validation", "loading")


def _dbt_node(metadata) -> tuple[str, float] | None:
    unique_id, duration = metadata.get("unique_id"), metadata.get("Execution Duration")
    return (unique_id.value, float(duration.value)) if unique_id and duration else None


def collect(instance) -> dict:
    """Step durations per job, the ingestion stages per dataset and the dbt nodes' times, from the event log."""
    import dagster as dg

    steps: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    runs: dict[str, float] = defaultdict(float)
    spans: dict[str, list[list[float]]] = defaultdict(list)  # [start, end] of each job's runs (Unix time)
    step_spans: dict[str, dict[str, list[list[float]]]] = defaultdict(lambda: defaultdict(list))
    ingestion: dict[str, dict[str, float]] = {}
    dbt_nodes: dict[str, float] = {}
    for run in instance.get_runs():
        stats = instance.get_run_stats(run.run_id)
        runs[run.job_name] += (stats.end_time or 0) - (stats.start_time or 0)
        spans[run.job_name].append([stats.start_time or 0, stats.end_time or 0])
        for step in instance.get_run_step_stats(run.run_id):
            if step.start_time and step.end_time:
                steps[run.job_name][step.step_key] += step.end_time - step.start_time
                step_spans[run.job_name][step.step_key].append([step.start_time, step.end_time])
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION):
            materialization = entry.asset_materialization
            metadata = materialization.metadata
            name = materialization.asset_key.path[-1]
            if "seconds_reading" in metadata:
                ingestion[name.removeprefix("raw_")] = {
                    **{stage: float(metadata[f"seconds_{stage}"].value) for stage in INGESTION_STAGES},
                    "rows": int(metadata["rows_loaded_this_run"].value)}
            if node := _dbt_node(metadata):
                dbt_nodes[node[0]] = node[1]
        for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION):
            if node := _dbt_node(entry.dagster_event.event_specific_data.metadata):
                dbt_nodes[node[0]] = node[1]
    return {"runs": dict(runs), "steps": {job: dict(s) for job, s in steps.items()}, "ingestion": ingestion,
            "dbt_nodes": dbt_nodes,
            "spans": {"jobs": dict(spans), "steps": {job: dict(s) for job, s in step_spans.items()}}}


def main(data_dir: str) -> None:
    import os

    os.environ["VIGIE_DATA_DIR"] = data_dir
    from vigie.runner import run_all
    from vigie.settings import load_settings

    started = time.perf_counter()
    settings = load_settings(demo=True)  # synthetic data: the demo key, as in the demo
    settings.ensure_dirs()
    success = run_all(settings, demo=True)
    wall = time.perf_counter() - started

    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        result = {"wall": wall, "success": success, **collect(instance)}
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1])

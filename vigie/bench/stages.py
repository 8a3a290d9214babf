"""Where a run's time went, from what `vigie.bench.child` collected: pure functions, unit-tested."""

import statistics
from collections import defaultdict

from vigie.bench.child import INGESTION_STAGES

CONSOLIDATION_JOB = "ingest_and_consolidate"
DBT_STEP = "vigie_dbt_models"
YEARLY_STAGES = {  # each yearly job, in the order `vigie run` runs them, under the name of what it produces
    "yearly_participation": "participation",
    "yearly_reports": "participants' reports",
    "produce_regional_outputs": "regional outputs",
    "transmit_to_spf": "SpF package",
    "export_to_ecdc": "ECDC exports",
    "produce_activity_report": "activity report",
}
ORCHESTRATION = "orchestration (start-up, definitions, run overhead)"


def stage_seconds(run: dict) -> dict[str, float]:
    """The stages of one run, in order; they add up to its wall time."""
    steps = run["steps"].get(CONSOLIDATION_JOB, {})
    stages = {f"ingestion: {stage}": sum(d[stage] for d in run["ingestion"].values()) for stage in INGESTION_STAGES}
    ingestion_steps = sum(seconds for step, seconds in steps.items() if step.startswith("raw_"))
    stages["ingestion: checks and metadata"] = max(0.0, ingestion_steps - sum(stages.values()))
    stages["dbt build"] = steps.get(DBT_STEP, 0.0)
    for step, seconds in sorted(steps.items()):
        if not step.startswith("raw_") and step != DBT_STEP:
            stages[step.replace("_", " ")] = seconds
    for job, stage in YEARLY_STAGES.items():
        stages[stage] = run["runs"].get(job, 0.0)
    stages[ORCHESTRATION] = max(0.0, run["wall"] - sum(stages.values()))
    return stages


def _stage_spans(spans: dict) -> dict[str, list[list[float]]]:
    """The spans ([start, end], Unix time) of each stage: the ingestion steps, dbt and the consolidation's other
    steps, then each yearly job."""
    stages: dict[str, list[list[float]]] = defaultdict(list)
    for step, intervals in spans["steps"].get(CONSOLIDATION_JOB, {}).items():
        stage = "ingestion" if step.startswith("raw_") else "dbt build" if step == DBT_STEP else step.replace("_", " ")
        stages[stage] += intervals
    for job, stage in YEARLY_STAGES.items():
        stages[stage] += spans["jobs"].get(job, [])
    return stages


def stage_peaks(spans: dict, timeline: list[list[float]]) -> dict[str, int]:
    """The peak memory of each stage: the largest sample of `timeline` ([time, bytes]) within one of its spans."""
    return {stage: max((bytes_ for at, bytes_ in timeline if any(start <= at <= end for start, end in intervals)),
                       default=0)
            for stage, intervals in _stage_spans(spans).items()}


def layer_seconds(dbt_nodes: dict[str, float], layer_of: dict[str, str]) -> dict[str, float]:
    """dbt's execution time per layer (seeds, staging, intermediate, marts, tests), summed over its threads."""
    layers: dict[str, float] = defaultdict(float)
    for unique_id, seconds in dbt_nodes.items():
        layers[layer_of.get(unique_id, "other")] += seconds
    return dict(sorted(layers.items()))


def lineage_seconds(run: dict, datasets: set[str], nodes: set[str]) -> float:
    """The platform's time for some marts: ingesting the datasets they read (validation and provenance included)
    and executing the dbt nodes of their lineage (with their tests)."""
    steps = run["steps"].get(CONSOLIDATION_JOB, {})
    ingestion = sum(steps.get(f"raw_{dataset}", 0.0) for dataset in datasets)
    return ingestion + sum(seconds for node, seconds in run["dbt_nodes"].items() if node in nodes)


def medians(samples: list[dict[str, float]]) -> dict[str, float]:
    """The median of each key over runs, in the first run's order (a key missing from a run counts as 0)."""
    keys = list(dict.fromkeys(key for sample in samples for key in sample))
    return {key: statistics.median(sample.get(key, 0.0) for sample in samples) for key in keys}

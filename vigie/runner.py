"""Runs the asset graph in-process on a Dagster instance kept in the data directory (runs show in the UI)."""

import os
import shutil
from pathlib import Path

from vigie.settings import PROJECT_ROOT, Settings


def dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME, by default inside the data directory, with the project's dagster.yaml (telemetry off)."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _progress_logger():
    """Prints the assets' own progress lines, and dbt's closing line, on the console."""
    import logging

    import dagster as dg

    class ProgressHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            meta = getattr(record, "dagster_meta", None) or {}
            message, step = meta.get("orig_message") or "", meta.get("step_key") or ""
            if meta.get("dagster_event") is not None or not message:
                return
            if step != "vigie_dbt_models" or message.startswith("Done."):
                print(f"  [{step}] {message}", flush=True)

    @dg.logger(description="Vigie's console progress")
    def progress(init_context):
        log = logging.getLogger("vigie.progress")
        log.setLevel(logging.INFO)
        log.handlers = [ProgressHandler()]
        log.propagate = False
        return log

    return progress


def _execute(job, **kwargs) -> bool:
    """Runs a job in-process; prints the failing steps with their error, in the console's own words."""
    result = job.execute_in_process(raise_on_error=False, **kwargs)
    for event in result.all_events:
        if event.is_step_failure:
            error = event.event_specific_data.error
            while error.cause is not None:  # the user code's own error, not Dagster's wrapper
                error = error.cause
            print(f"  ÉCHEC {event.step_key}: {error.message.strip()}", flush=True)
    return result.success


# Each year's outputs, in this order: the regional outputs come before the activity report, which says when they came.
YEARLY_JOBS = ("yearly_participation", "yearly_reports", "produce_regional_outputs", "transmit_to_spf",
               "export_to_ecdc", "produce_activity_report")


def run_all(settings: Settings, year: int | None = None, demo: bool = False) -> bool:
    """Ingestion and dbt models, then the yearly assets for `year` (or every year with data)."""
    dagster_home(settings)
    import dagster as dg

    from vigie import warehouse

    from orchestration.definitions import defs
    from orchestration.partitions import keys_for_year, yearly_partitions
    from orchestration.resources import build_resources

    common = {
        "resources": build_resources(data_dir=str(settings.data_dir), demo=demo),
        "run_config": {"loggers": {"console": {"config": {"log_level": "WARNING"}}, "progress": {}}},
    }
    loggers = {"console": dg.colored_console_logger, "progress": _progress_logger()}
    with dg.DagsterInstance.get() as instance:
        job = defs.resolve_job_def("ingest_and_consolidate").with_logger_defs(loggers)
        success = _execute(job, instance=instance, **common)
        valid = set(yearly_partitions.get_partition_keys())
        yearly = [defs.resolve_job_def(name).with_logger_defs(loggers) for name in YEARLY_JOBS]
        years = [year] if year else warehouse.years_with_data(settings.warehouse_path)
        for key in [str(y) for y in years if str(y) in valid]:
            for job in yearly:
                for partition in keys_for_year(job.partitions_def, key):
                    success &= _execute(job, instance=instance, partition_key=partition, **common)
    return success

"""Runs the asset graph in-process on a Dagster instance kept in the data directory (runs show in the UI)."""

import os
import signal
import time
from contextlib import contextmanager
from pathlib import Path

from vigie.instance import prepare
from vigie.settings import Settings


def dagster_home(settings: Settings) -> Path:
    """DAGSTER_HOME, by default inside the data directory, with the instance file of the storage that the
    environment selects (SQLite, or PostgreSQL when DAGSTER_PG_HOST is set: vigie/instance.py)."""
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster_home")
    prepare(home)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


WAIT_POLL_SECONDS = 2.0
WAIT_NOTICE_SECONDS = 30.0


def _wait_for_warehouse(instance, job) -> None:
    """Before a job that writes the warehouse: frees the slots of runs whose process is gone, then waits (saying
    so, and for how long) while a live run holds the warehouse. Waiting here, not inside Dagster, keeps Ctrl-C and
    SIGTERM effective."""
    from orchestration.warehouse_pool import holders, is_free, reclaim_stale_slots, uses_pool

    if not uses_pool(job):
        return
    started, said_at = time.monotonic(), None
    while True:
        for line in reclaim_stale_slots(instance):
            print(f"  {line}", flush=True)
        waited = time.monotonic() - started
        if is_free(instance):
            if said_at is not None:
                print(f"  warehouse free after {waited:.0f} s of waiting", flush=True)
            return
        if said_at is None or waited - said_at >= WAIT_NOTICE_SECONDS:
            held_by = ", ".join(h.describe() for h in holders(instance)) or "another run"
            print(f"  {job.name}: waiting for the warehouse, held by {held_by} ({waited:.0f} s so far)", flush=True)
            said_at = waited
        time.sleep(WAIT_POLL_SECONDS)


def _root_error(event):
    error = event.event_specific_data.error
    while error.cause is not None:  # the user code's own error, not Dagster's wrapper
        error = error.cause
    return error


def _execute(job, instance, **kwargs) -> bool:
    """Runs a job in-process once the warehouse is free; prints the failing steps with their error, in the
    console's own words; an interrupted run (Ctrl-C, SIGTERM) stops `vigie run` rather than the next job starting."""
    from orchestration.code_location import runs_carry_their_origin
    from orchestration.warehouse_pool import HOST, HOST_TAG

    _wait_for_warehouse(instance, job)
    with runs_carry_their_origin(instance, job.name):
        result = job.execute_in_process(raise_on_error=False, instance=instance, tags={HOST_TAG: HOST}, **kwargs)
    for event in result.all_events:
        if event.is_step_failure:
            error = _root_error(event)
            if error.cls_name == "DagsterExecutionInterruptedError":
                raise KeyboardInterrupt(event.step_key)
            print(f"  ÉCHEC {event.step_key}: {error.message.strip()}", flush=True)
        elif event.is_run_failure and "interrupted" in (event.message or ""):
            raise KeyboardInterrupt(job.name)
    return result.success


@contextmanager
def stop_on_sigterm():
    """SIGTERM stops a run as Ctrl-C does (Dagster marks the run failed and frees its slots)."""
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# Each year's outputs, in this order: the regional outputs come before the activity report, which says when they came.
YEARLY_JOBS = ("yearly_participation", "yearly_reports", "produce_regional_outputs", "transmit_to_spf",
               "export_to_ecdc", "produce_activity_report")


def run_all(settings: Settings, year: int | None = None, demo: bool = False) -> bool:
    """Ingestion and dbt models, then the yearly assets for `year` (or every year with data)."""
    dagster_home(settings)
    import dagster as dg

    from vigie import warehouse

    from orchestration.definitions import defs
    from orchestration.partitions import hold_years, keys_for_year, yearly_partitions
    from orchestration.resources import build_resources

    common = {
        "resources": build_resources(data_dir=str(settings.data_dir), demo=demo),
        "run_config": {"loggers": {"console": {"config": {"log_level": "WARNING"}}, "progress": {}}},
    }
    with dg.DagsterInstance.get() as instance:
        job = defs.resolve_job_def("ingest_and_consolidate")
        success = _execute(job, instance, **common)
        valid = set(yearly_partitions.get_partition_keys())
        yearly = [defs.resolve_job_def(name) for name in YEARLY_JOBS]
        years = [year] if year else warehouse.years_with_data(settings.warehouse_path)
        for key in hold_years(instance, [y for y in years if str(y) in valid]):
            for job in yearly:
                for partition in keys_for_year(job.partitions_def, key):
                    success &= _execute(job, instance, partition_key=partition, **common)
    return success

"""The `warehouse` pool, and the runs whose process is gone.

DuckDB lets one process write, so every step that writes the warehouse holds the pool's only slot. A run killed with
SIGKILL (or dying with its machine) never frees its slot, and every later run would wait for it forever. A run is
judged on the machine where it ran (its `vigie/host` tag): when the process that started it is gone, the run is
marked failed and its slots are freed, by `vigie run` before each job and while it waits, and by a sensor.
"""

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

POOL = "warehouse"
HOST_TAG = "vigie/host"
HOST = socket.gethostname()
PID_REUSE_MARGIN_SECONDS = 1.0  # a process started after the run began cannot be the run's


def process_started_at(pid: int) -> float | None:
    """When the live process `pid` started (epoch seconds), None when there is none (a zombie counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:  # no /proc: alive or not is all one can tell
        return _alive_without_proc(pid)
    fields = stat.rsplit(")", 1)[1].split()  # the command name, in parentheses, may hold spaces
    if fields[0] in ("Z", "X"):
        return None
    return _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _alive_without_proc(pid: int) -> float | None:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass
    return 0.0


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def process_is_gone(pid: int, run_started_at: float) -> bool:
    started = process_started_at(pid)
    return started is None or started > run_started_at + PID_REUSE_MARGIN_SECONDS


@dataclass(frozen=True)
class Holder:
    run_id: str
    job_name: str
    started_at: float | None

    def describe(self) -> str:
        return f"run {self.run_id[:8]} ({self.job_name})"


def holders(instance: dg.DagsterInstance) -> list[Holder]:
    """The runs holding the pool's slots now."""
    info = instance.event_log_storage.get_concurrency_info(POOL)
    found = []
    for run_id in dict.fromkeys(slot.run_id for slot in info.claimed_slots):
        record = instance.get_run_record_by_id(run_id)
        job = record.dagster_run.job_name if record else "?"
        found.append(Holder(run_id, job, record.start_time if record else None))
    return found


def is_free(instance: dg.DagsterInstance) -> bool:
    info = instance.event_log_storage.get_concurrency_info(POOL)
    return len(info.claimed_slots) < max(info.slot_count, 1)


def _run_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The process that executes the run: the one that logged its start."""
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_START, limit=1).records
    return records[0].event_log_entry.dagster_event.pid if records else None


def _stale_reason(instance: dg.DagsterInstance, run_id: str) -> str | None:
    """Why the run's slots can be freed, or None while its process may still be at work."""
    record = instance.get_run_record_by_id(run_id)
    if record is None:
        return "the run no longer exists"
    if record.dagster_run.is_finished:
        return f"the run ended ({record.dagster_run.status.value}) without freeing its slots"
    if record.dagster_run.tags.get(HOST_TAG, HOST) != HOST:
        return None  # its own host judges it
    pid = _run_pid(instance, run_id)
    started = record.start_time or record.create_timestamp.timestamp()
    if pid is None or not process_is_gone(pid, started):
        return None
    return f"its process {pid} is gone (killed, or its machine stopped)"


def reclaim_stale_slots(instance: dg.DagsterInstance) -> list[str]:
    """Frees the pool slots of runs whose process is gone, marks those runs failed; says what it did."""
    info = instance.event_log_storage.get_concurrency_info(POOL)
    run_ids = dict.fromkeys([s.run_id for s in info.claimed_slots] + [s.run_id for s in info.pending_steps])
    reclaimed = []
    for run_id in run_ids:
        reason = _stale_reason(instance, run_id)
        if reason is None:
            continue
        run = instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            instance.report_run_failed(run, f"Marked failed by Vigie: {reason}; its '{POOL}' slot is freed.")
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        reclaimed.append(f"run {run_id[:8]} ({run.job_name if run else '?'}): {reason}; '{POOL}' slot freed")
    return reclaimed


def uses_pool(job: dg.JobDefinition) -> bool:
    return any(getattr(node.definition, "pool", None) == POOL for node in job.graph.node_dict.values())

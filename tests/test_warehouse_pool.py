"""A run that dies must not stop the platform: its `warehouse` slot is reclaimed, a waiting run says so, and
`vigie run` stops on SIGTERM. Real runs in real processes, killed for real."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.warehouse_pool import POOL, holders, is_free, process_is_gone, process_started_at
from vigie.settings import PROJECT_ROOT

HOLDER = Path(__file__).with_name("pool_holder.py")


@pytest.fixture
def home(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.fixture
def instance(home):
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def _hold_the_warehouse(home: Path) -> subprocess.Popen:
    """Starts a run that holds the pool in another process; returns once it holds it."""
    marker = home.parent / "holding"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen([sys.executable, str(HOLDER), str(home), str(marker)], env=env, cwd=PROJECT_ROOT)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the holding run ended before holding the warehouse"
        assert time.monotonic() < deadline, "the holding run never held the warehouse"
        time.sleep(0.2)
    return process


def _writing_job():
    @dg.asset(pool=POOL)
    def writing_the_warehouse():
        return 1

    return dg.Definitions(assets=[writing_the_warehouse]).resolve_implicit_global_asset_job_def()


def _execute_in_thread(instance) -> dict:
    from vigie.runner import _execute

    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(success=_execute(_writing_job(), instance)), daemon=True)
    thread.start()
    outcome["thread"] = thread
    return outcome


def test_a_process_s_start_time_tells_a_live_process_from_a_reused_pid():
    started = process_started_at(os.getpid())
    assert started is not None and started <= time.time()
    assert not process_is_gone(os.getpid(), run_started_at=time.time())
    assert process_is_gone(os.getpid(), run_started_at=started - 60), "a process started after the run is not its"
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    assert process_started_at(ended.pid) is None
    assert process_is_gone(ended.pid, run_started_at=time.time())


def test_a_run_killed_with_sigkill_does_not_keep_the_warehouse(home, instance):
    holder = _hold_the_warehouse(home)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert not is_free(instance), "the defect: the killed run still holds the slot"
    killed = holders(instance)[0].run_id

    outcome = _execute_in_thread(instance)
    outcome["thread"].join(timeout=120)
    assert not outcome["thread"].is_alive(), "the next run waited for a dead run"
    assert outcome["success"]
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE
    assert is_free(instance)


def test_the_sensor_frees_the_slot_of_a_killed_run(home, instance):
    from orchestration.stale_runs import stale_runs_sensor

    holder = _hold_the_warehouse(home)
    killed = holders(instance)[0].run_id
    with dg.build_sensor_context(instance=instance) as context:
        assert "no run holds" in stale_runs_sensor(context).skip_message, "a live run keeps its slot"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with dg.build_sensor_context(instance=instance) as context:
        message = stale_runs_sensor(context).skip_message
    assert killed[:8] in message and "slot freed" in message
    assert is_free(instance)
    assert instance.get_run_by_id(killed).status == dg.DagsterRunStatus.FAILURE


def test_a_waiting_run_says_so_and_sigterm_stops_the_holder_cleanly(home, instance, capsys):
    holder = _hold_the_warehouse(home)
    holding = holders(instance)[0].run_id
    outcome = _execute_in_thread(instance)
    time.sleep(3)
    assert outcome["thread"].is_alive(), "a live run keeps the warehouse"
    waiting = capsys.readouterr().out
    assert "waiting for the warehouse, held by run " + holding[:8] in waiting

    holder.send_signal(signal.SIGTERM)
    assert holder.wait(timeout=60) == 130, "SIGTERM stops the run as Ctrl-C does"
    outcome["thread"].join(timeout=60)
    assert not outcome["thread"].is_alive() and outcome["success"]
    assert instance.get_run_by_id(holding).status == dg.DagsterRunStatus.FAILURE
    assert "warehouse free after" in capsys.readouterr().out
    assert is_free(instance)

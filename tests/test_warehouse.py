"""Connections to the warehouse: another process holding the file is waited for, within a limit."""

import subprocess
import sys
import time

import pytest

from vigie import warehouse

HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
con.close()
"""


def _hold(path, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_a_busy_warehouse_is_waited_for_then_read(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse.connect(path):
        pass
    holder = _hold(path, 2)
    started = time.monotonic()
    with warehouse.connect(path, read_only=True, wait_seconds=30) as con:
        assert con.sql("SELECT count(*) FROM raw.submissions").fetchall() == [(0,)]
    assert time.monotonic() - started >= 1, "it waited for the other process"
    holder.wait()


def test_a_busy_warehouse_is_reported_once_the_wait_is_over(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    with warehouse.connect(path):
        pass
    holder = _hold(path, 5)
    with pytest.raises(warehouse.WarehouseBusy):
        with warehouse.connect(path, read_only=True, wait_seconds=0):
            pass
    holder.wait()

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


def test_rows_are_inserted_in_one_statement_in_the_order_of_the_table_columns(tmp_path):
    import datetime as dt

    with warehouse.connect(tmp_path / "w.duckdb") as con:
        con.execute("CREATE TABLE raw.sample (name VARCHAR, lines INTEGER[], recorded_at TIMESTAMPTZ, note VARCHAR, "
                    "PRIMARY KEY (name))")
        at = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
        warehouse.insert_rows(con, "raw.sample", [["a", [2, 3], at, None], ["b", [], at, None]])
        warehouse.insert_rows(con, "raw.sample", [["a", [4], at, "again"]], replace=True)
        warehouse.insert_rows(con, "raw.sample", [])
        rows = con.execute("SELECT name, lines, note FROM raw.sample ORDER BY name").fetchall()
    assert rows == [("a", [4], "again"), ("b", [], None)]

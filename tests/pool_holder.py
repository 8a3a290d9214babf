"""Holds the `warehouse` pool in a run of its own, as `vigie run` does, until it is stopped (tests of the pool).

Usage: python pool_holder.py DAGSTER_HOME MARKER_FILE; exits 130 when interrupted (SIGTERM or Ctrl-C)."""

import sys
import time
from pathlib import Path

import dagster as dg

from orchestration.warehouse_pool import POOL
from vigie.runner import _execute, stop_on_sigterm


def main(home: str, marker: str) -> int:
    @dg.asset(pool=POOL)
    def holding_the_warehouse():
        Path(marker).touch()
        time.sleep(600)

    job = dg.Definitions(assets=[holding_the_warehouse]).resolve_implicit_global_asset_job_def()
    with dg.DagsterInstance.from_config(home) as instance, stop_on_sigterm():
        try:
            _execute(job, instance)
        except KeyboardInterrupt:
            return 130
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

"""One of the runs that start together in tests/test_concurrency.py, in a process of its own, on the instance of
DAGSTER_HOME and the data of VIGIE_DATA_DIR: the run a sensor requested, or the night's scheduled runs.

Usage: python concurrent_run.py sensor ASSET_KEY... | python concurrent_run.py schedule YEAR; exits 1 on failure."""

import sys

import dagster as dg

from orchestration.definitions import defs
from vigie.runner import _execute, dagster_home
from vigie.settings import load_settings


def main(mode: str, *args: str) -> int:
    dagster_home(load_settings())  # as the daemon started by Vigie prepares it
    # The Definitions' own resources, as a run launched by the daemon gets them.
    with dg.DagsterInstance.get() as instance:
        if mode == "sensor":
            job = defs.resolve_job_def("ingest_and_consolidate")
            selection = [dg.AssetKey.from_user_string(key) for key in args]
            return 0 if _execute(job, instance, asset_selection=selection) else 1
        consolidated = _execute(defs.resolve_job_def("consolidation"), instance)
        reported = _execute(defs.resolve_job_def("yearly_reports"), instance,
                            partition_key=args[0])
        return 0 if consolidated and reported else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))

"""Named points where the fault-injection tests kill the process (VIGIE_CRASH_AT=<point>, SIGKILL: no clean-up
runs), to prove that a run killed there and run again leaves what a clean run leaves. Inert otherwise."""

import os
import signal

POINTS = ("reading", "after_chunk_insert", "after_file_moved", "during_dbt", "report_written_not_swapped")


def crash_point(name: str) -> None:
    if os.environ.get("VIGIE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

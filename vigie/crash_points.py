"""Named points where the fault-injection tests kill the process (VIGIE_CRASH_AT=<point>, SIGKILL: no clean-up
runs), to prove that a run killed there and run again leaves what a clean run leaves. Inert otherwise."""

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("VIGIE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)

"""Peak memory of a process and all its descendants (dbt, the PDF workers), sampled from /proc while it runs."""

import threading
import time
from pathlib import Path

PAGE_KIB = 4
COMMAND_CHARS = 80


def _parents() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # the process ended while we looked
            continue
        parents[int(stat.parent.name)] = int(text.rsplit(")", 1)[1].split()[1])
    return parents


def _descendants(root: int, parents: dict[int, int]) -> set[int]:
    tree, grown = {root}, True
    while grown:
        before = len(tree)
        tree |= {pid for pid, parent in parents.items() if parent in tree}
        grown = len(tree) > before
    return tree


def _rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KIB * 1024
    except (OSError, IndexError, ValueError):
        return 0


def _command(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    return " ".join(word.decode(errors="replace") for word in words if word)[:COMMAND_CHARS]


def tree_rss(root: int) -> dict[int, int]:
    """Resident memory of `root` and of each of its descendants now, by process id (shared pages counted in each)."""
    return {pid: _rss_bytes(pid) for pid in _descendants(root, _parents())}


class PeakSampler:
    """Samples a process tree's resident memory every `interval` seconds until stopped: the timeline ([Unix time,
    bytes], to find each stage's peak), the peak, when it happened (seconds from the start) and which processes held
    it, largest first."""

    def __init__(self, root: int, interval: float = 0.25):
        self.root, self.interval, self.peak_bytes = root, interval, 0
        self.peak_seconds, self.peak_processes, self.timeline = 0.0, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        started = time.perf_counter()
        while not self._stop.wait(self.interval):
            by_process = tree_rss(self.root)
            total = sum(by_process.values())
            self.timeline.append([time.time(), total])
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_seconds = total, time.perf_counter() - started
                self.peak_processes = sorted(([_command(pid), rss] for pid, rss in by_process.items()),
                                             key=lambda process: -process[1])

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

"""Peak memory of a process and all its descendants (dbt, the PDF workers), sampled from /proc while it runs."""

import threading
from pathlib import Path

PAGE_KIB = 4


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


def tree_rss_bytes(root: int) -> int:
    """Resident memory of `root` and its descendants now (shared pages counted in each process)."""
    return sum(_rss_bytes(pid) for pid in _descendants(root, _parents()))


class PeakSampler:
    """Samples a process tree's resident memory every `interval` seconds until stopped; keeps the peak."""

    def __init__(self, root: int, interval: float = 0.25):
        self.root, self.interval, self.peak_bytes = root, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root))

    def __enter__(self) -> "PeakSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

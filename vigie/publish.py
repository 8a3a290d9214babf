"""Atomic publication of a folder (a report's HTML, PDF and XLSX; the analysts' copy): all of it or none.

`<link>` (e.g. `reports/<participant>/<year>`) is a symbolic link to a hidden folder holding one complete version; a
new version is written beside it, then the link is replaced in one rename, so a reader never sees half a version or a
mixture of two. Whatever a run killed midway left behind is cleared by the next publication.
"""

import fcntl
import hashlib
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vigie.crash_points import crash_point


def fingerprint(content: str) -> str:
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:16]


def current_fingerprint(link: Path) -> str | None:
    """The version published at `link`, None when there is none."""
    return os.readlink(link).rsplit(".", 1)[-1] if link.is_symlink() else None


def _write(files: dict[str, bytes]) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        for name, content in files.items():
            with open(folder / name, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
    return write


@dataclass(frozen=True)
class Publication:
    path: Path  # the folder of the version published
    written: bool  # False when that version was already there


def publish(link: Path, files: dict[str, bytes], version: str) -> Publication:
    """Publishes `files` as version `version` at `link` (e.g. reports/310781406/2024), atomically."""
    return publish_folder(link, _write(files), version)


@contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One publisher in a folder at a time (a lock on the folder itself, no lock file to leave behind): two runs
    publishing the same report, a sensor's and a schedule's, would otherwise clear each other's half-written version."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # releases the lock


def publish_folder(link: Path, write: Callable[[Path], None], version: str) -> Publication:
    """Publishes, as version `version` at `link`, the folder that `write` fills: atomically, once `write` returns."""
    link.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(link.parent):
        target = link.parent / f".{link.name}.{version}"
        if current_fingerprint(link) == version:
            return Publication(target, written=False)
        _swap(link, write, target)
    return Publication(target, written=True)


def _swap(link: Path, write: Callable[[Path], None], target: Path) -> None:
    folder = link.parent
    for leftover in (target, folder / f".{link.name}.link"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        elif leftover.exists():
            shutil.rmtree(leftover)
    target.mkdir()
    try:
        write(target)
    except BaseException:  # a version that failed to be written is never left to be published
        shutil.rmtree(target, ignore_errors=True)
        raise
    crash_point("report_written_not_swapped")
    if link.exists() and not link.is_symlink():  # a plain folder from before: moved aside, then cleared
        link.rename(folder / f".{link.name}.previous")
    staging = folder / f".{link.name}.link"
    os.symlink(target.name, staging)
    os.replace(staging, link)
    for old in folder.glob(f".{link.name}.*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() and not old.is_symlink() else old.unlink()

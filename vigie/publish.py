"""Atomic publication of a folder (a report's HTML, PDF and XLSX; the analysts' copy): all of it or none.

`<link>` (e.g. `reports/<participant>/<year>`) is a symbolic link to a hidden folder holding one complete version; a
new version is written beside it, then the link is replaced in one rename, so a reader never sees half a version or a
mixture of two. Whatever a run killed midway left behind is cleared by the next publication.
"""

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path


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


def publish(link: Path, files: dict[str, bytes], version: str) -> Path:
    """Publishes `files` as version `version` at `link` (e.g. reports/310781406/2024), atomically."""
    return publish_folder(link, _write(files), version)


def publish_folder(link: Path, write: Callable[[Path], None], version: str) -> Path:
    """Publishes, as version `version` at `link`, the folder that `write` fills: atomically, once `write` returns."""
    folder = link.parent
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f".{link.name}.{version}"
    if current_fingerprint(link) == version:
        return target
    for leftover in (target, folder / f".{link.name}.link"):
        if leftover.is_symlink() or leftover.is_file():
            leftover.unlink()
        elif leftover.exists():
            shutil.rmtree(leftover)
    target.mkdir()
    write(target)
    if link.exists() and not link.is_symlink():  # a plain folder from before: moved aside, then cleared
        link.rename(folder / f".{link.name}.previous")
    staging = folder / f".{link.name}.link"
    os.symlink(target.name, staging)
    os.replace(staging, link)
    for old in folder.glob(f".{link.name}.*"):
        if old != target:
            shutil.rmtree(old, ignore_errors=True) if old.is_dir() and not old.is_symlink() else old.unlink()
    return target

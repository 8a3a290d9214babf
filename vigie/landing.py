"""The landing area: files waiting per dataset, and where they go once processed (never deleted)."""

import datetime as dt
import hashlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from vigie.reading import SUPPORTED_SUFFIXES


@dataclass(frozen=True)
class LandedFile:
    path: Path
    received_at: dt.datetime

    @property
    def name(self) -> str:
        return self.path.name


def landed_files(landing_dir: Path, dataset: str) -> list[LandedFile]:
    """Files of a dataset's folder, oldest first: a later file supersedes an earlier one."""
    folder = landing_dir / dataset
    if not folder.is_dir():
        return []
    files = [f for f in folder.iterdir() if f.is_file() and not f.name.startswith(".")]
    stamped = [LandedFile(f, dt.datetime.fromtimestamp(f.stat().st_mtime, tz=dt.timezone.utc)) for f in files]
    return sorted(stamped, key=lambda f: (f.received_at, f.name))


def pending_signature(landing_dir: Path, dataset: str) -> str:
    """Changes whenever a file of the dataset lands, changes or leaves (the sensor's cursor)."""
    parts = [f"{f.name}:{f.path.stat().st_size}:{f.received_at.timestamp()}" for f in landed_files(landing_dir, dataset)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16] if parts else ""


def submission_id(path: Path) -> str:
    """The SHA-256 of the file's bytes, read a block at a time."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "inconnu"


def store(file: LandedFile, destination_dir: Path, dataset: str, sid: str) -> Path:
    """Moves the file out of the landing area, prefixed by its submission id so names never clash."""
    return move(file, destination_dir / dataset / f"{sid[:12]}_{safe_name(file.name)}")


def move(file: LandedFile, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # the same bytes were stored before: keep one copy
        file.path.unlink()
    else:
        shutil.move(str(file.path), target)
    return target


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES

"""The landing area: the one place that decides which of its entries are submissions, and where they go once
processed (never deleted).

A submission is a regular file placed directly in `landing/<dataset>/` whose size and modification time have not
changed for `quiet_seconds`. Everything else is left where it is, never read, and reported with the reason (`Left`):
symlinks (never followed, wherever they point), hidden files and the temporary files of spreadsheets and of uploads
in progress, sub-folders, named pipes and other special files, files still being written, a dataset folder that is
itself a symlink, and in the landing area itself, files and folders named after no dataset."""

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from vigie.reading import SUPPORTED_SUFFIXES

QUIET_SECONDS = 2.0  # a file written to more recently is watched this long before it is taken
UPLOAD_SUFFIXES = (".part", ".partial", ".filepart", ".crdownload", ".download", ".tmp", ".temp")
STORED_NAME_LENGTH = 120  # characters of a sender's file name kept in archive/ and quarantine/ names

HIDDEN = "fichier caché (nom commençant par un point) : fichier de logiciel, pas un envoi"
SPREADSHEET_LOCK = "fichier temporaire d'un tableur (nom commençant par ~$) : pas un envoi"
UPLOADING = "dépôt en cours (extension {suffix}) : le fichier sera lu quand il portera son nom définitif"
SYMLINK = "lien symbolique, jamais suivi : déposez le fichier lui-même"
SUB_FOLDER = "sous-dossier, non lu : déposez les fichiers directement dans le dossier du jeu de données"
SPECIAL = "pas un fichier ordinaire (tube, socket ou périphérique), non lu"
WRITING = "en cours d'écriture (taille ou date changée depuis moins de {seconds} s) : lu au passage suivant"
CHANGED = "modifié pendant sa lecture : lu au passage suivant, une fois son dépôt terminé"
VANISHED = "disparu ou illisible pendant sa lecture ({error}) : lu au passage suivant s'il est de nouveau là"
AT_ROOT = "fichier hors des dossiers des jeux de données : déposez-le dans landing/<jeu de données>/"
UNKNOWN_FOLDER = "dossier « {name} » : aucun jeu de données ne porte ce nom{hint} ; jeux de données : {names}"
FOLDER_SYMLINK = "le dossier du jeu de données est un lien symbolique, jamais suivi : faites-en un vrai dossier"


@dataclass(frozen=True)
class Left:
    """An entry of the landing area that is not a submission: left where it is, and why (in French)."""
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{display_name(self.path.name)}: {self.reason}"


@dataclass(frozen=True)
class LandedFile:
    path: Path
    received_at: dt.datetime
    size: int  # as surveyed: a file whose size or modification time changed since is not what was read
    modified_ns: int

    @property
    def name(self) -> str:
        """The file's name as it can be written anywhere (receipts, warehouse, logs)."""
        return display_name(self.path.name)

    def changed(self) -> bool:
        """Whether the file grew, shrank, was rewritten or left since it was surveyed."""
        try:
            now = self.path.lstat()
        except OSError:
            return True
        return (now.st_size, now.st_mtime_ns) != (self.size, self.modified_ns)


def display_name(name: str) -> str:
    """A name the file system gave as bytes that are not UTF-8 (os.fsdecode leaves them as surrogates) is read as
    Windows-1252, the other encoding of the senders' machines: `r\\udce9sultats.csv` is `résultats.csv`."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _why_not_a_submission(entry: os.DirEntry) -> str | None:
    if entry.is_symlink():
        return SYMLINK
    if entry.name.startswith("."):
        return HIDDEN
    if entry.name.startswith("~$"):
        return SPREADSHEET_LOCK
    if entry.is_dir(follow_symlinks=False):
        return SUB_FOLDER
    if not entry.is_file(follow_symlinks=False):
        return SPECIAL
    suffix = Path(entry.name).suffix.lower()
    if suffix in UPLOAD_SUFFIXES:
        return UPLOADING.format(suffix=suffix)
    return None


@dataclass
class Survey:
    files: list[LandedFile]  # the submissions, oldest first: a later file supersedes an earlier one
    left: list[Left]


def survey(landing_dir: Path, dataset: str) -> Survey:
    """What `landing/<dataset>/` holds, without waiting: its submissions and what is left (with the reason). A file
    dated in the future (the sender's clock) is received now."""
    folder = landing_dir / dataset
    if folder.is_symlink():
        return Survey([], [Left(folder, FOLDER_SYMLINK)])
    if not folder.is_dir():
        return Survey([], [])
    files, left, now = [], [], time.time()
    with os.scandir(folder) as entries:
        for entry in entries:
            if reason := _why_not_a_submission(entry):
                left.append(Left(Path(entry.path), reason))
                continue
            info = entry.stat(follow_symlinks=False)
            received = dt.datetime.fromtimestamp(min(info.st_mtime, now), tz=dt.timezone.utc)
            files.append(LandedFile(Path(entry.path), received, info.st_size, info.st_mtime_ns))
    files.sort(key=lambda f: (f.received_at, f.name))
    left.sort(key=lambda entry: entry.path)
    return Survey(files, left)


def landed_files(landing_dir: Path, dataset: str, quiet_seconds: float = QUIET_SECONDS) -> Survey:
    """The dataset's submissions once they are settled: files written to within the last `quiet_seconds` (or dated
    in the future) are watched that long, and those that changed meanwhile are left for the next run."""
    found = survey(landing_dir, dataset)
    now = time.time()
    recent = [f for f in found.files if now - f.modified_ns / 1e9 < quiet_seconds]
    if not recent:
        return found
    time.sleep(quiet_seconds)
    changed = {f.path for f in recent if f.changed()}
    reason = WRITING.format(seconds=f"{quiet_seconds:g}")
    return Survey([f for f in found.files if f.path not in changed],
                  sorted(found.left + [Left(path, reason) for path in changed], key=lambda entry: entry.path))


def strays(landing_dir: Path, datasets) -> list[Left]:
    """What the landing area itself holds beside the dataset folders."""
    if not landing_dir.is_dir():
        return []
    left, names = [], sorted(datasets)
    with os.scandir(landing_dir) as entries:
        for entry in entries:
            if entry.name in names:
                continue
            if entry.is_dir(follow_symlinks=False):
                close = difflib.get_close_matches(entry.name.lower(), names, n=1)
                hint = f" (vouliez-vous dire « {close[0]} » ?)" if close else ""
                reason = UNKNOWN_FOLDER.format(name=display_name(entry.name), hint=hint, names=", ".join(names))
            else:
                reason = _why_not_a_submission(entry) or AT_ROOT
            left.append(Left(Path(entry.path), reason))
    return sorted(left, key=lambda entry: entry.path)


def pending_signature(landing_dir: Path, dataset: str) -> str:
    """Changes whenever a submission of the dataset lands, changes or leaves (the sensor's cursor)."""
    parts = [f"{f.name}:{f.size}:{f.modified_ns}" for f in survey(landing_dir, dataset).files]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16] if parts else ""


def submission_id(path: Path) -> str:
    """The SHA-256 of the file's bytes, read a block at a time."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def safe_name(text: str, max_length: int = STORED_NAME_LENGTH) -> str:
    """A name for a file or folder the platform writes from what a sender wrote (a file name, a sender): letters,
    digits and `_.-`, never hidden, `.` or `..`, never starting with a dash, at most `max_length` characters with
    the suffix kept."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", display_name(text)).strip("_.-") or "inconnu"
    if len(name) > max_length:
        stem, dot, suffix = name.rpartition(".")
        kept = f".{suffix}" if dot and len(suffix) < 10 else ""
        name = name[:max_length - len(kept)] + kept
    return name


def stored_path(destination_dir: Path, dataset: str, sid: str, file: LandedFile) -> Path:
    """Where a processed file is kept: prefixed by its submission id so names never clash."""
    return destination_dir / dataset / f"{sid[:12]}_{safe_name(file.name)}"


def store(file: LandedFile, destination_dir: Path, dataset: str, sid: str) -> Path:
    """Moves the file out of the landing area."""
    return move(file, stored_path(destination_dir, dataset, sid, file))


def move(file: LandedFile, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():  # the same bytes were stored before: keep one copy
        file.path.unlink()
    else:
        shutil.move(str(file.path), target)
    return target


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES

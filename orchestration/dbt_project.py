"""The dbt project, kept in its own module so that `dagster-dbt project prepare-and-package` can load it."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from vigie.settings import DBT_PROJECT_DIR, PROJECT_ROOT

vigie_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


SOURCE_FOLDERS = ("models", "seeds", "macros", "tests")
PYTHON_MODEL_HELPERS = PROJECT_ROOT / "vigie" / "statistics.py"  # imported by the Python models


def _source_files() -> list[Path]:
    """The project's sources only: target/ grows with every dbt run and is read at each start-up."""
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    files += [p for folder in SOURCE_FOLDERS for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return sorted(files)


def _newest_source_mtime() -> float:
    return max(p.stat().st_mtime for p in _source_files())


def project_digest() -> str:
    """What the models compute: their SQL and Python, macros, seeds, tests and the helpers the Python models use."""
    digest = hashlib.sha256()
    for path in [*_source_files(), PYTHON_MODEL_HELPERS]:
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def ensure_manifest() -> Path:
    """Runs `dbt parse` when the manifest is missing or older than the project (it is read at import)."""
    manifest = vigie_dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
                       cwd=DBT_PROJECT_DIR, check=True, env={**os.environ, "DO_NOT_TRACK": "1"})
        manifest.touch()  # a partial parse with nothing new leaves the file as it was: mark it checked
    return manifest

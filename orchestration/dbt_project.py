"""The dbt project, kept in its own module so that `dagster-dbt project prepare-and-package` can load it."""

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from vigie.settings import DBT_PROJECT_DIR

vigie_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


SOURCE_FOLDERS = ("models", "seeds", "macros", "tests")


def _newest_source_mtime() -> float:
    """Walks the project's sources only: target/ grows with every dbt run and is read at each start-up."""
    files = [DBT_PROJECT_DIR / "dbt_project.yml"]
    files += [p for folder in SOURCE_FOLDERS for p in (DBT_PROJECT_DIR / folder).rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in files)


def ensure_manifest() -> Path:
    """Runs `dbt parse` when the manifest is missing or older than the project (it is read at import)."""
    manifest = vigie_dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
                       cwd=DBT_PROJECT_DIR, check=True, env={**os.environ, "DO_NOT_TRACK": "1"})
        manifest.touch()  # a partial parse with nothing new leaves the file as it was: mark it checked
    return manifest

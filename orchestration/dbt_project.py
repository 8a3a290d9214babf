"""The dbt project, kept in its own module so that `dagster-dbt project prepare-and-package` can load it."""

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from vigie.settings import DBT_PROJECT_DIR

vigie_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    files = [p for p in DBT_PROJECT_DIR.rglob("*") if p.suffix in (".sql", ".yml", ".csv") and "target" not in p.parts]
    return max(p.stat().st_mtime for p in files)


def ensure_manifest() -> Path:
    """Runs `dbt parse` when the manifest is missing or older than the project (it is read at import)."""
    manifest = vigie_dbt_project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(DBT_PROJECT_DIR)],
                       cwd=DBT_PROJECT_DIR, check=True, env={**os.environ, "DO_NOT_TRACK": "1"})
    return manifest

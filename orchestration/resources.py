"""Resources configured by environment: the data directory and the dbt CLI."""

import importlib.metadata
import sys
from dataclasses import replace
from functools import cached_property
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource
from packaging import version

from orchestration.dbt_project import vigie_dbt_project
from vigie.settings import Settings, load_settings


class VigieResource(dg.ConfigurableResource):
    """Where Vigie's data live. `data_dir` overrides VIGIE_DATA_DIR; the pseudonym key is only ever read
    from VIGIE_PSEUDONYM_KEY, so that it never appears in run configuration."""

    data_dir: str | None = None
    demo: bool = False

    def settings(self) -> Settings:
        settings = load_settings(demo=self.demo)
        if self.data_dir:
            settings = replace(settings, data_dir=Path(self.data_dir).resolve())
        settings.ensure_dirs()
        return settings


class VigieDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without two things it does before each dbt command that Vigie does not use (3.8 s
    of each build on these machines, where a participant waits for it): `dbt --version` in a subprocess (2.1 s: the
    dbt run is this environment's, of dbt-core's installed version), and a handle to a dbt adapter opened in this
    process (1.7 s: the project's macros parsed), used only to fetch column metadata and row counts (Vigie counts
    rows itself once dbt has released the warehouse: assets/dbt.with_row_counts)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


def build_resources(data_dir: str | None = None, demo: bool = False) -> dict:
    return {
        "vigie": VigieResource(data_dir=data_dir, demo=demo),
        # The dbt of this environment, whether or not its bin folder is on PATH.
        "dbt": VigieDbtCliResource(project_dir=vigie_dbt_project, profiles_dir=str(vigie_dbt_project.project_dir),
                                   dbt_executable=str(Path(sys.executable).with_name("dbt"))),
    }

"""Resources configured by environment: the data directory and the dbt CLI."""

import dataclasses
import sys
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

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
            settings = dataclasses.replace(settings, data_dir=Path(self.data_dir).resolve())
        settings.ensure_dirs()
        return settings


def build_resources(data_dir: str | None = None, demo: bool = False) -> dict:
    return {
        "vigie": VigieResource(data_dir=data_dir, demo=demo),
        # The dbt of this environment, whether or not its bin folder is on PATH.
        "dbt": DbtCliResource(project_dir=vigie_dbt_project, profiles_dir=str(vigie_dbt_project.project_dir),
                              dbt_executable=str(Path(sys.executable).with_name("dbt"))),
    }

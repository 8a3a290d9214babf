"""The dbt project as Dagster assets: seeds, staging and intermediate views, marts, with dbt tests as checks."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.dbt_project import project_digest, vigie_dbt_project
from orchestration.dbt_translator import translator
from orchestration.resources import VigieResource
from vigie import warehouse


class DbtBuildConfig(dg.Config):
    rebuild: bool = Field(False, description="Build even when no accepted data, seed or model changed since the "
                                             "last complete build.")


def build_signature(con) -> str:
    """What a complete build depends on: the accepted data and the project's sources."""
    return f"{warehouse.accepted_data_version(con)}:{project_digest()}"


@dbt_assets(manifest=vigie_dbt_project.manifest_path, project=vigie_dbt_project,
            dagster_dbt_translator=translator, pool="warehouse")
def vigie_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, vigie: VigieResource,
                     config: DbtBuildConfig):
    """A complete build is skipped when nothing it reads changed (a run that only rejected files, say): the models
    are left as they are, nothing downstream runs, and nothing shows as changed."""
    settings = vigie.settings()
    with warehouse.connect(settings.warehouse_path) as con:
        signature, last = build_signature(con), warehouse.last_dbt_build(con)
    if signature == last and not context.is_subset and not config.rebuild:
        context.log.info("No accepted data, seed or model changed since the last complete build: dbt not run.")
        return
    # dbt runs as a subprocess and finds the warehouse through its profile's env_var.
    os.environ["VIGIE_WAREHOUSE"] = str(settings.warehouse_path)
    yield from dbt.cli(["build"], context=context).stream().fetch_row_counts()
    if not context.is_subset:  # reached only when every node built and passed its tests
        with warehouse.connect(settings.warehouse_path) as con:
            warehouse.record_dbt_build(con, signature)

"""The dbt project as Dagster assets: seeds, staging and intermediate views, marts, with dbt tests as checks."""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.dbt_project import vigie_dbt_project
from orchestration.resources import VigieResource


class VigieDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Seeds form the `reference` group; a model's group is its mission folder (models/<layer>/<mission>/)."""
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props["fqn"]
        return fqn[2] if len(fqn) > 3 else super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return ["team:vigie-data-engineering"]


translator = VigieDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=vigie_dbt_project.manifest_path, project=vigie_dbt_project,
            dagster_dbt_translator=translator, pool="warehouse")
def vigie_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, vigie: VigieResource):
    # dbt runs as a subprocess and finds the warehouse through its profile's env_var.
    os.environ["VIGIE_WAREHOUSE"] = str(vigie.settings().warehouse_path)
    yield from dbt.cli(["build"], context=context).stream()

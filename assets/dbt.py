"""The dbt project as Dagster assets: seeds, staging and intermediate views, marts, with dbt tests as checks."""

import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.dbt_project import project_digest, vigie_dbt_project
from orchestration.dbt_translator import translator
from orchestration.resources import VigieResource
from vigie import warehouse
from vigie.crash_points import crash_point


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
    invocation = dbt.cli(["build"], context=context)
    events = []
    try:
        for event in invocation.stream():
            events.append(event)
            crash_point("during_dbt")  # a model built, others not yet
    except Exception:
        yield from with_row_counts(events, invocation.manifest, settings)
        raise
    with warehouse.connect(settings.warehouse_path) as con:
        yield from with_row_counts(events, invocation.manifest, settings, con)
        if not context.is_subset:  # reached only when every node built and passed its tests
            warehouse.record_dbt_build(con, signature)


def with_row_counts(events, manifest, settings, con=None):
    """Each built table's event with its row count, counted once dbt has released the warehouse. dagster-dbt's
    own `fetch_row_counts` is not used: it opens the file in this process with dbt's configuration, after which
    no other connection to it can be opened here."""
    if con is None:
        with warehouse.connect(settings.warehouse_path, read_only=True) as con:
            yield from with_row_counts(events, manifest, settings, con)
        return
    for event in events:
        node = _table_node(event, manifest)
        if node is None:
            yield event
        else:
            # By schema and name: the manifest's database is the stem of the file dbt parsed against.
            (rows,) = con.execute(f'SELECT count(*) FROM "{node["schema"]}"."{node["alias"]}"').fetchone()
            yield event.with_metadata({**event.metadata, "dagster/row_count": dg.MetadataValue.int(rows)})


def _table_node(event, manifest) -> dict | None:
    if not isinstance(event, (dg.Output, dg.AssetMaterialization)) or "unique_id" not in event.metadata:
        return None
    node = manifest["nodes"].get(event.metadata["unique_id"].text)
    if node is None or node["config"]["materialized"] == "view" or not node.get("alias"):
        return None
    return node

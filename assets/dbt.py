"""The dbt project as Dagster assets: seeds, staging and intermediate views, marts, with dbt tests as checks."""

import hashlib
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from pydantic import Field

from orchestration.dbt_project import project_digest, vigie_dbt_project
from orchestration.dbt_translator import translator
from orchestration.resources import VigieResource
from vigie import warehouse
from vigie.crash_points import crash_point

PARTIAL_PARSE = "partial_parse.msgpack"
# Read by macros/per_submission.sql: "true" when the models built per submission only add what landed.
PER_SUBMISSION = "VIGIE_DBT_PER_SUBMISSION"


class DbtBuildConfig(dg.Config):
    rebuild: bool = Field(False, description="Build even when no accepted data, seed or model changed since the "
                                             "last build of the same models.")


def build_signature(con) -> str:
    """What a complete build depends on: the accepted data and the project's sources."""
    return f"{warehouse.accepted_data_version(con)}:{project_digest()}"


def subset_signature(complete: str, selected: Iterable[dg.AssetKey]) -> str:
    """A build of `selected` models only, on what a complete build of signature `complete` would read."""
    models = "\n".join(sorted(key.to_user_string() for key in selected))
    return f"{complete}:{hashlib.sha256(models.encode()).hexdigest()[:16]}"


def up_to_date(last: str | None, complete: str, subset: str | None) -> bool:
    """Nothing the build reads changed since the last one, which built every model or these ones."""
    return last is not None and last in (complete, subset)


def per_submission(builds: Iterable[str], complete: str, subset: str | None) -> bool:
    """Whether the models built per submission may only add what landed: in a build of some models (the ones a
    landed file selects), when every build since the last complete one, and that one, used this project (models,
    macros, seeds). `builds` are signatures, newest first. A complete build recomputes them whole."""
    if subset is None:
        return False
    project = complete.split(":")[1]
    for signature in builds:
        _, used, *of_some_models = signature.split(":")
        if used != project:
            return False
        if not of_some_models:
            return True
    return False


@dbt_assets(manifest=vigie_dbt_project.manifest_path, project=vigie_dbt_project,
            dagster_dbt_translator=translator, pool="warehouse")
def vigie_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, vigie: VigieResource,
                     config: DbtBuildConfig):
    """A build is skipped when nothing it reads changed since the last build of every model or of the same ones (a
    run that only rejected files, say): the models are left as they are, nothing downstream runs, and nothing shows
    as changed."""
    settings = vigie.settings()
    with warehouse.connect(settings.warehouse_path) as con:
        complete, builds = build_signature(con), warehouse.dbt_builds(con)
    subset = subset_signature(complete, context.selected_asset_keys) if context.is_subset else None
    if up_to_date(builds[0] if builds else None, complete, subset) and not config.rebuild:
        context.log.info("No accepted data, seed or model changed since the last build of these models: dbt not run.")
        return
    adding = per_submission(builds, complete, subset) and not config.rebuild
    # dbt runs as a subprocess and finds the warehouse and the mode through its profile's and models' env_var.
    os.environ["VIGIE_WAREHOUSE"] = str(settings.warehouse_path)
    os.environ[PER_SUBMISSION] = "true" if adding else "false"
    if adding:
        context.log.info("Models built per submission: only the submissions accepted since they were built are added.")
    try:
        invocation = dbt.cli(["build"], context=context)
    finally:
        del os.environ[PER_SUBMISSION]  # read as dbt starts; a later dbt (the analysts' copy) compiles whole builds
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
        warehouse.record_dbt_build(con, subset or complete)  # reached only when every node built and passed
    tidy(invocation.target_path)


def tidy(run_target: Path) -> None:
    """After a build that passed, its parse state becomes the one the next build starts from, and the rest of its
    folder (compiled SQL, run results: 10 to 30 MB, and the sensor builds for every file that lands) goes; a failed
    build's folder stays, to be read. The warehouse path is part of dbt's profile, so a parse state of another one
    (`vigie prepare`'s) is thrown away and the whole project parsed again: 3 s of every build outside the default
    data directory."""
    target = vigie_dbt_project.project_dir / vigie_dbt_project.target_path
    if run_target.resolve().parent != target.resolve():
        return  # not a run's own folder
    if (run_target / PARTIAL_PARSE).exists():
        scratch = target / f".{PARTIAL_PARSE}.{os.getpid()}"
        shutil.copyfile(run_target / PARTIAL_PARSE, scratch)
        os.replace(scratch, target / PARTIAL_PARSE)  # whole, whatever another build copies at the same time
    shutil.rmtree(run_target, ignore_errors=True)


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

"""The landing sensor: files that land start their ingestion (and the models downstream) within a minute."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from assets.ingestion import ingestion_asset_keys
from orchestration.jobs import ingest_and_consolidate_job
from orchestration.resources import VigieResource
from vigie.landing import pending_signature

SENSOR_INTERVAL_SECONDS = 30


def _selection(datasets: list[str]) -> list[dg.AssetKey]:
    keys = [ingestion_asset_keys[d] for d in datasets]
    return keys + [get_asset_key_for_model([vigie_dbt_models], f"stg_{d}") for d in datasets]


@dg.sensor(job=ingest_and_consolidate_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/<dataset>/ and ingests new files, then their staging models.")
def landing_sensor(context: dg.SensorEvaluationContext, vigie: VigieResource):
    landing = vigie.settings().landing_dir
    signatures = {d: pending_signature(landing, d) for d in ingestion_asset_keys}
    waiting = sorted(d for d, signature in signatures.items() if signature)
    if not waiting:
        return dg.SkipReason("no file waiting in the landing area")
    run_key = "|".join(f"{d}:{signatures[d]}" for d in waiting)
    return dg.RunRequest(run_key=run_key, asset_selection=_selection(waiting),
                         tags={"vigie/trigger": "landing", "vigie/datasets": ",".join(waiting)})

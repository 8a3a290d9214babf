"""Sensors: files that land are ingested (and the models rebuilt) within a minute; accepted SPARES
submissions get their establishment's feedback as soon as the marts include them."""

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from assets.ingestion import ingestion_asset_keys
from orchestration.jobs import ingest_and_consolidate_job
from orchestration.resources import VigieResource
from vigie.landing import pending_signature

SENSOR_INTERVAL_SECONDS = 30


def _selection(datasets: list[str]) -> list[dg.AssetKey]:
    """The datasets' ingestion assets and the dbt models (marts included, so feedback can follow)."""
    return [ingestion_asset_keys[d] for d in datasets] + list(vigie_dbt_models.keys)


@dg.sensor(job=ingest_and_consolidate_job, minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/<dataset>/ and ingests new files, then rebuilds the dbt models.")
def landing_sensor(context: dg.SensorEvaluationContext, vigie: VigieResource):
    landing = vigie.settings().landing_dir
    signatures = {d: pending_signature(landing, d) for d in ingestion_asset_keys}
    waiting = sorted(d for d, signature in signatures.items() if signature)
    if not waiting:
        return dg.SkipReason("no file waiting in the landing area")
    run_key = "|".join(f"{d}:{signatures[d]}" for d in waiting)
    return dg.RunRequest(run_key=run_key, asset_selection=_selection(waiting),
                         tags={"vigie/trigger": "landing", "vigie/datasets": ",".join(waiting)})


SPARES_DATASETS = ("spares_activity", "spares_consumption", "isolates")


def _accepted_since(con, cursor: int) -> tuple[list[str], int, float]:
    rows = con.sql(f"""SELECT sender, ingest_seq, ingested_at FROM raw.submissions
        WHERE ingest_seq > {int(cursor)} AND status IN ('accepted', 'accepted_with_warnings')
        AND dataset IN {SPARES_DATASETS}""").fetchall()
    if not rows:
        return [], cursor, 0.0
    # ingested_at is the machine's local time: .timestamp() reads it as such.
    return sorted({r[0] for r in rows}), max(r[1] for r in rows), max(r[2] for r in rows).timestamp()


@dg.sensor(job_name="spares_feedback", minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="When an establishment's SPARES submissions are accepted and the marts rebuilt, writes its "
                       "feedback without waiting for the annual run.")
def spares_feedback_sensor(context: dg.SensorEvaluationContext, vigie: VigieResource):
    from vigie import warehouse

    cursor = int(context.cursor or 0)
    try:
        with warehouse.connect(vigie.settings().warehouse_path, read_only=True) as con:
            senders, last_seq, last_ingested = _accepted_since(con, cursor)
    except (warehouse.WarehouseBusy, FileNotFoundError):
        return dg.SkipReason("the warehouse is busy or not created yet")
    if not senders:
        return dg.SkipReason("no newly accepted SPARES submission")
    marts = context.instance.get_latest_materialization_event(get_asset_key_for_model([vigie_dbt_models], "consumption_rates"))
    if marts is None or marts.timestamp < last_ingested:
        return dg.SkipReason("waiting for the marts to include the new submissions")
    context.update_cursor(str(last_seq))
    config = {"ops": {"spares_establishment_feedback": {"config": {"finess": senders}}}}
    return dg.RunRequest(run_key=f"spares-feedback-{last_seq}", run_config=config,
                         tags={"vigie/trigger": "accepted_submission"})

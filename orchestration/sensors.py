"""Sensors: files that land are ingested, and the models that depend on them rebuilt, within seconds; a participant's
accepted submissions for a year rewrite its report of that year, and its region's output, as soon as the marts include
them."""

from collections import defaultdict
from dataclasses import dataclass

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from assets.dbt import vigie_dbt_models
from assets.ingestion import ingestion_asset_keys, ingestion_assets
from orchestration.jobs import ingest_and_consolidate_job, regional_outputs_job, reports_job
from orchestration.partitions import year_region_key, yearly_partitions
from orchestration.resources import VigieResource
from vigie.landing import pending_signature, strays

# A participant waits for both. The daemon's loop evaluates sensors every 5 s (MIN_INTERVAL_LOOP_TIME), and skips a
# sensor whose last tick began less than its minimum interval ago: with 5 s, a few milliseconds of jitter skipped
# every other loop (ticks 10 s apart), hence 1 s, so that both are evaluated at each loop. The report sensor opens
# the warehouse read-only for a few milliseconds: a writer that meets it waits a second (warehouse.connect).
LANDING_INTERVAL_SECONDS = 1
REPORTS_INTERVAL_SECONDS = 1
# Datasets whose key is participant|year (an establishment or a laboratory) and that its report shows; the IAS
# reports of an establishment are shown to its region's CPias.
REPORTED_DATASETS = ("spares_activity", "spares_consumption", "isolates", "spiadi_bacteremia", "spiadi_exposure",
                     "spicmi_procedures", "icsha")
REGION_OF_REPORTS = """SELECT DISTINCT e.region_code, year(r.declared_on) FROM raw.signalements r
    JOIN intermediate.int_establishments e USING (finess)
    WHERE r._submission_id IN (SELECT submission_id FROM raw.submissions WHERE dataset = 'signalements'
                               AND ingest_seq > ? AND status IN ('accepted', 'accepted_with_warnings'))"""
REGION_OF_PARTICIPANTS = """SELECT DISTINCT region_code FROM (
    SELECT region_code FROM intermediate.int_establishments WHERE list_contains(?, finess)
    UNION ALL SELECT region_code FROM intermediate.int_laboratories WHERE list_contains(?, source_id) AND year = ?)
    WHERE region_code IS NOT NULL"""


def landing_selection(datasets: list[str]) -> list[dg.AssetKey]:
    """The datasets' ingestion assets and the dbt models that depend on them, marts included so that reports can
    follow; the other models are left as they are until the nightly consolidation rebuilds everything."""
    landed = [ingestion_asset_keys[d] for d in datasets]
    downstream = dg.AssetSelection.assets(*landed).downstream().resolve([*ingestion_assets, vigie_dbt_models])
    return landed + sorted((k for k in downstream if k in vigie_dbt_models.keys), key=lambda k: k.to_user_string())


@dg.sensor(job=ingest_and_consolidate_job, minimum_interval_seconds=LANDING_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Watches landing/<dataset>/ and ingests new files, then rebuilds the dbt models that depend on "
                       "them.")
def landing_sensor(context: dg.SensorEvaluationContext, vigie: VigieResource):
    landing = vigie.settings().landing_dir
    for left in strays(landing, ingestion_asset_keys):  # never read; said at each evaluation until moved away
        context.log.warning(f"left in the landing area: {left}")
    signatures = {d: pending_signature(landing, d) for d in ingestion_asset_keys}
    waiting = sorted(d for d, signature in signatures.items() if signature)
    if not waiting:
        return dg.SkipReason("no file waiting in the landing area")
    run_key = "|".join(f"{d}:{signatures[d]}" for d in waiting)
    return dg.RunRequest(run_key=run_key, asset_selection=landing_selection(waiting),
                         tags={"vigie/trigger": "landing", "vigie/datasets": ",".join(waiting)})


@dataclass
class Accepted:
    participants: dict[int, list[str]]  # establishments and laboratories per year
    regions: dict[int, list[str]]  # regions whose output shows them (their participants, their IAS reports)
    last_seq: int
    last_ingested: float


def accepted_since(con, cursor: int) -> Accepted:
    """Participants and regions per year whose data were accepted after `cursor`; the last sequence and time."""
    rows = con.execute("""SELECT ingest_seq, epoch(ingested_at) FROM raw.submissions
        WHERE ingest_seq > ? AND status IN ('accepted', 'accepted_with_warnings')""", [cursor]).fetchall()
    if not rows:
        return Accepted({}, {}, cursor, 0.0)
    keys = con.execute(f"""SELECT k.key_value FROM raw.submissions s JOIN raw.submission_keys k USING (submission_id)
        WHERE s.ingest_seq > ? AND s.status IN ('accepted', 'accepted_with_warnings')
        AND s.dataset IN {REPORTED_DATASETS}""", [cursor]).fetchall()
    participants: dict[int, set[str]] = defaultdict(set)
    for (key,) in keys:
        participant, _, year = key.partition("|")
        if year.isdigit():
            participants[int(year)].add(participant)
    regions: dict[int, set[str]] = defaultdict(set)
    for region, year in con.execute(REGION_OF_REPORTS, [cursor]).fetchall():
        if region:
            regions[year].add(region)
    for year, ids in participants.items():
        ids = sorted(ids)
        regions[year].update(r for (r,) in con.execute(REGION_OF_PARTICIPANTS, [ids, ids, year]).fetchall())
    return Accepted({y: sorted(p) for y, p in participants.items()}, {y: sorted(r) for y, r in regions.items()},
                    max(r[0] for r in rows), max(r[1] for r in rows))


@dg.sensor(jobs=[reports_job, regional_outputs_job], minimum_interval_seconds=REPORTS_INTERVAL_SECONDS,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="When a participant's submissions for a year are accepted and the marts rebuilt, rewrites its "
                       "report of that year, and the output of its region, without waiting for the annual run.")
def participant_report_sensor(context: dg.SensorEvaluationContext, vigie: VigieResource):
    import duckdb

    from vigie import warehouse

    cursor = int(context.cursor or 0)
    try:
        with warehouse.connect(vigie.settings().warehouse_path, read_only=True, wait_seconds=0) as con:
            accepted = accepted_since(con, cursor)
    except (warehouse.WarehouseBusy, FileNotFoundError, duckdb.CatalogException):
        return dg.SkipReason("the warehouse is busy, or not built yet")
    if not accepted.participants and not accepted.regions:
        return dg.SkipReason("no newly accepted submission")
    marts = context.instance.get_latest_materialization_event(
        get_asset_key_for_model([vigie_dbt_models], "report_participants"))
    if marts is None or marts.timestamp < accepted.last_ingested:
        return dg.SkipReason("waiting for the marts to include the new submissions")
    context.update_cursor(str(accepted.last_seq))
    valid = set(yearly_partitions.get_partition_keys())
    seq = accepted.last_seq
    reports = [dg.RunRequest(run_key=f"reports-{year}-{seq}", job_name=reports_job.name, partition_key=str(year),
                             run_config={"ops": {"participant_reports": {"config": {"participants": participants}}}},
                             tags={"vigie/trigger": "accepted_submission"})
               for year, participants in sorted(accepted.participants.items()) if str(year) in valid]
    outputs = [dg.RunRequest(run_key=f"regional-{year}-{region}-{seq}", job_name=regional_outputs_job.name,
                             partition_key=year_region_key(year, region), tags={"vigie/trigger": "accepted_submission"})
               for year, regions in sorted(accepted.regions.items()) if str(year) in valid for region in regions]
    return reports + outputs

"""The sensor that frees the warehouse from runs whose process is gone (see orchestration/warehouse_pool.py)."""

import dagster as dg

from orchestration.warehouse_pool import POOL, reclaim_stale_slots

STALE_RUNS_INTERVAL_SECONDS = 60


@dg.sensor(minimum_interval_seconds=STALE_RUNS_INTERVAL_SECONDS, default_status=dg.DefaultSensorStatus.RUNNING,
           description=f"Every minute, marks failed the runs whose process is gone (killed with SIGKILL, or their "
                       f"machine stopped) and frees the '{POOL}' pool slots they held, so that no run waits for them.")
def stale_runs_sensor(context: dg.SensorEvaluationContext):
    reclaimed = reclaim_stale_slots(context.instance)
    for line in reclaimed:
        context.log.warning(line)
    return dg.SkipReason("; ".join(reclaimed) if reclaimed else f"no run holds the '{POOL}' pool without a process")

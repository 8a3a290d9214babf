"""Dagster definitions of Vigie: resources, jobs, schedules and sensors, assembled in definitions.py."""

import os

# Nothing calls out to the network at run time.
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")

"""Dagster assets: ingestion of every protocol dataset, the dbt models, and outputs."""

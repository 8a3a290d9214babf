"""`vigie bench`: a national year timed stage by stage, against the raw DuckDB kernel."""

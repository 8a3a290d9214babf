"""The loggers a run may configure: Dagster's console and Vigie's progress lines. They belong to the Definitions, so
that a run started by `vigie run` (which configures both) can be re-executed from the UI with its own run config."""

import logging

import dagster as dg


class ProgressHandler(logging.Handler):
    """The assets' own progress lines, and dbt's closing line, printed on the console."""

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        message, step = meta.get("orig_message") or "", meta.get("step_key") or ""
        if meta.get("dagster_event") is not None or not message:
            return
        if step != "vigie_dbt_models" or message.startswith("Done."):
            print(f"  [{step}] {message}", flush=True)


@dg.logger(description="Vigie's progress lines on the console (what `vigie run` prints)")
def progress_logger(init_context):
    log = logging.getLogger("vigie.progress")
    log.setLevel(logging.INFO)
    log.handlers = [ProgressHandler()]
    log.propagate = False
    return log


# A run that configures no logger gets Dagster's default ones, as before.
LOGGERS = {"console": dg.colored_console_logger, "progress": progress_logger}

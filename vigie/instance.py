"""The Dagster instance in DAGSTER_HOME: SQLite files in that folder by default (the demo), one PostgreSQL database
when DAGSTER_PG_HOST is set (production). Its dagster.yaml is written from the repository's dagster.yaml, with
dagster.postgres.yaml appended for PostgreSQL, so that the settings both share live in one file."""

import fcntl
import os
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from vigie.settings import PROJECT_ROOT

SHARED_SETTINGS = PROJECT_ROOT / "dagster.yaml"
POSTGRES_STORAGE = PROJECT_ROOT / "dagster.postgres.yaml"
PG_VARIABLES = ("DAGSTER_PG_HOST", "DAGSTER_PG_PORT", "DAGSTER_PG_USER", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_DB")
SQLITE, POSTGRES = "sqlite", "postgres"
MARKER = "vigie_storage"  # the storage kind this home was used with, so that PostgreSQL is not left unnoticed
HEADER = ("# Written by Vigie (vigie/instance.py) from the repository's {sources}, at each start:\n"
          "# edit those, not this copy.\n")


class InstanceStorageError(RuntimeError):
    """The instance cannot be prepared as the environment says; the message tells the operator what to do."""


def storage_kind(environ: Mapping[str, str] = os.environ) -> str:
    return POSTGRES if environ.get("DAGSTER_PG_HOST") else SQLITE


def instance_yaml(kind: str) -> str:
    """The instance file of `kind`: the shared settings, then for PostgreSQL its storage block."""
    shared = SHARED_SETTINGS.read_text(encoding="utf-8")
    if kind == SQLITE:
        return HEADER.format(sources="dagster.yaml") + shared
    storage = POSTGRES_STORAGE.read_text(encoding="utf-8")
    return HEADER.format(sources="dagster.yaml and dagster.postgres.yaml") + shared + "\n" + storage


def recorded_kind(home: Path) -> str | None:
    marker = home / MARKER
    return marker.read_text(encoding="utf-8").strip() if marker.exists() else None


def _leaving_postgres(home: Path) -> InstanceStorageError:
    return InstanceStorageError(
        f"DAGSTER_HOME ({home}) holds a Dagster instance on PostgreSQL, but DAGSTER_PG_HOST is not set. Going on "
        f"would start an empty SQLite instance there, and the runs, their logs, the sensors' and schedules' state "
        f"would vanish from view. Set DAGSTER_PG_HOST, DAGSTER_PG_PORT, DAGSTER_PG_USER, DAGSTER_PG_PASSWORD and "
        f"DAGSTER_PG_DB as before. To start afresh on SQLite on purpose, point DAGSTER_HOME at another folder.")


def _missing_variables(environ: Mapping[str, str]) -> list[str]:
    # The password may be empty (trust or peer authentication) but not unset: Dagster refuses an unset variable.
    return [name for name in PG_VARIABLES
            if environ.get(name) is None or (environ[name] == "" and name != "DAGSTER_PG_PASSWORD")]


def _write_if_changed(path: Path, text: str) -> None:
    # Replaced in one rename: a daemon or webserver starting meanwhile reads the old file or the new, never half.
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two processes starting together
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def prepare(home: Path, environ: Mapping[str, str] = os.environ) -> str:
    """Writes home/dagster.yaml for the storage that the environment selects and records its kind; refuses to
    leave PostgreSQL for SQLite silently, or a PostgreSQL connection half configured. Returns the kind."""
    kind = storage_kind(environ)
    if kind == SQLITE and recorded_kind(home) == POSTGRES:
        raise _leaving_postgres(home)
    if kind == POSTGRES and (missing := _missing_variables(environ)):
        raise InstanceStorageError(f"DAGSTER_PG_HOST is set but not {', '.join(missing)}: the instance on "
                                   f"PostgreSQL needs all of {', '.join(PG_VARIABLES)}.")
    home.mkdir(parents=True, exist_ok=True)
    with _one_at_a_time(home):
        _write_if_changed(home / "dagster.yaml", instance_yaml(kind))
        _write_if_changed(home / MARKER, kind + "\n")
        if kind == SQLITE:  # a PostgreSQL database is created once, by its operator (README)
            _create_storage(home)
    return kind


@contextmanager
def _one_at_a_time(home: Path):
    """Processes starting together (vigie run, the daemon, the webserver) prepare the instance one after the other."""
    with open(home / ".vigie_instance.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _create_storage(home: Path) -> None:
    # Opening the instance creates or migrates its storage; two processes doing so at once on new SQLite files
    # stamp the schema version twice, after which the instance no longer opens.
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)):
        pass


def describe(home: Path, environ: Mapping[str, str] = os.environ) -> str:
    """Where the instance keeps its runs, events and schedules, in words; never the password."""
    if storage_kind(environ) == SQLITE:
        return f"SQLite, in {home} (runs and their events in history/, schedules in schedules/)"
    password = "set" if environ.get("DAGSTER_PG_PASSWORD") else "empty"
    return (f"PostgreSQL, database {environ.get('DAGSTER_PG_DB')} on {environ.get('DAGSTER_PG_HOST')}:"
            f"{environ.get('DAGSTER_PG_PORT')} as {environ.get('DAGSTER_PG_USER')} (password {password}, not shown)")


@dataclass(frozen=True)
class Reached:
    """What the instance answered: the storage is there, and the settings it read."""
    runs: int
    max_concurrent_runs: int | None
    default_pool_limit: int | None


def _connect_once(environ: Mapping[str, str]) -> None:
    """One attempt, its error raised at once: Dagster retries for some ten seconds, logging each try."""
    import psycopg2

    psycopg2.connect(host=environ["DAGSTER_PG_HOST"], port=environ["DAGSTER_PG_PORT"],
                     user=environ["DAGSTER_PG_USER"], password=environ["DAGSTER_PG_PASSWORD"],
                     dbname=environ["DAGSTER_PG_DB"], connect_timeout=10).close()


def reach(home: Path, environ: Mapping[str, str] = os.environ) -> Reached:
    """Opens the instance as Dagster does and reads from its storage; raises the driver's error if it cannot."""
    import dagster as dg

    if storage_kind(environ) == POSTGRES:
        _connect_once(environ)
    with dg.DagsterInstance.from_config(str(home)) as instance:
        concurrency = instance.get_concurrency_config()
        queue = concurrency.run_queue_config
        return Reached(runs=instance.get_runs_count(),
                       max_concurrent_runs=queue.max_concurrent_runs if queue else None,
                       default_pool_limit=concurrency.pool_config.default_pool_limit)


def without_password(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """An error message as it may be shown: a driver's message could quote the connection string."""
    from urllib.parse import quote

    password = environ.get("DAGSTER_PG_PASSWORD")
    if not password:
        return text
    return text.replace(password, "***").replace(quote(password), "***")  # quoted as in the connection URL

"""The DuckDB warehouse: its raw and quality schemas, and short-lived connections to it."""

import time
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from vigie import protocol as p
from vigie.submission import ACCEPTED, WARNED

DUCKDB_TYPES = {
    p.INT: "BIGINT", p.YEAR: "INTEGER", p.DECIMAL: "DOUBLE", p.DATE: "DATE",
}
PROVENANCE_COLUMNS = {
    "_submission_id": "VARCHAR NOT NULL",
    "_line": "INTEGER NOT NULL",
    "_year": "INTEGER",
    "_key": "VARCHAR NOT NULL",
}

BOOKKEEPING_DDL = """
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE TABLE IF NOT EXISTS raw.submissions (
    submission_id VARCHAR PRIMARY KEY,
    dataset VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sender VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL,
    ingest_seq BIGINT NOT NULL,
    status VARCHAR NOT NULL,
    n_rows BIGINT NOT NULL,
    n_critical BIGINT NOT NULL,
    n_warnings BIGINT NOT NULL,
    extra_columns VARCHAR[],
    stored_path VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS raw.submission_keys (
    submission_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    key_value VARCHAR NOT NULL,
    ingest_seq BIGINT NOT NULL,
    n_rows BIGINT NOT NULL,
    superseded_by VARCHAR,
    PRIMARY KEY (submission_id, key_value)
);
CREATE TABLE IF NOT EXISTS raw.receipts (
    submission_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    received_at TIMESTAMPTZ NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL,
    outcome VARCHAR NOT NULL
);
-- A receipt waits here, recorded with its submission's fate, until it is written (vigie/delivery.py).
CREATE TABLE IF NOT EXISTS raw.pending_receipts (
    submission_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    last_error VARCHAR,
    PRIMARY KEY (submission_id, path)
);
CREATE TABLE IF NOT EXISTS raw.pseudonym_key (
    fingerprint VARCHAR NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS quality.dbt_builds (
    signature VARCHAR NOT NULL,
    built_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS quality.validation_results (
    submission_id VARCHAR NOT NULL,
    dataset VARCHAR NOT NULL,
    file_name VARCHAR NOT NULL,
    sender VARCHAR NOT NULL,
    rule_id VARCHAR NOT NULL,
    column_name VARCHAR,
    severity VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    n_failing BIGINT NOT NULL,
    lines INTEGER[],
    sample_values VARCHAR[],
    validated_at TIMESTAMPTZ NOT NULL
);
"""


def accepted_data_version(con: duckdb.DuckDBPyConnection, dataset: str | None = None) -> str:
    """Changes when, and only when, accepted data change (of one dataset, or of all): a submission accepted. A
    rejected or duplicate file leaves it as it was; a correction is a new accepted submission."""
    condition, params = ("AND dataset = ?", [dataset]) if dataset else ("", [])
    count, last = con.execute(
        f"SELECT count(*), coalesce(max(ingest_seq), 0) FROM raw.submissions WHERE status IN (?, ?) {condition}",
        [ACCEPTED, WARNED, *params]).fetchone()
    return f"{count}.{last}"


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[list], replace: bool = False) -> None:
    """Rows in the order of the table's columns, inserted in one statement (executemany runs one a row, about a
    millisecond each: seconds for a dataset's 1 600 files)."""
    if not rows:
        return
    schema, name = table.split(".")
    columns = [c for (c,) in con.execute("SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND "
                                         "table_name = ? ORDER BY column_index", [schema, name]).fetchall()]
    con.register("inserted_rows", pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None))
    try:
        con.execute(f"INSERT {'OR REPLACE ' if replace else ''}INTO {table} SELECT * FROM inserted_rows")
    finally:
        con.unregister("inserted_rows")


def dbt_builds(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The signatures of the builds that passed, newest first."""
    return [signature for (signature,) in
            con.execute("SELECT signature FROM quality.dbt_builds ORDER BY built_at DESC").fetchall()]


def record_dbt_build(con: duckdb.DuckDBPyConnection, signature: str) -> None:
    con.execute("INSERT INTO quality.dbt_builds VALUES (?, now())", [signature])


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file."""


def sql_string(text: str) -> str:
    """A string literal for the statements that take no parameters (ATTACH, COPY ... TO)."""
    return "'" + text.replace("'", "''") + "'"


def raw_table(dataset: p.Dataset) -> str:
    return f"raw.{dataset.name}"


def raw_table_ddl(dataset: p.Dataset) -> str:
    columns = [f'"{c.name}" {DUCKDB_TYPES.get(c.kind, "VARCHAR")}' for c in dataset.columns]
    columns += [f"{name} {sql_type}" for name, sql_type in PROVENANCE_COLUMNS.items()]
    return f"CREATE TABLE IF NOT EXISTS {raw_table(dataset)} (\n    " + ",\n    ".join(columns) + "\n)"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(BOOKKEEPING_DDL)
    for dataset in p.DATASETS.values():
        con.execute(raw_table_ddl(dataset))


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """All or nothing: readers never see half of a write."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def connect(path: Path, read_only: bool = False, wait_seconds: float = 60):
    """A short-lived connection: DuckDB lets one process write the file at a time. Another process holding it
    is waited for, up to `wait_seconds`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException as error:
            if "lock" not in str(error).lower():
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {path} is in use by another process (a run, dbt, or an open session): "
                    "wait for it to end, or close it, then try again"
                ) from error
            time.sleep(1)
    try:
        if not read_only:
            create_schema(con)
        yield con
    finally:
        con.close()


def years_with_data(path: Path, wait_seconds: float = 60) -> list[int]:
    """Surveillance years of the current submissions (keys ending with a year)."""
    if not path.exists():
        return []
    with connect(path, read_only=True, wait_seconds=wait_seconds) as con:
        years = con.sql("""SELECT DISTINCT split_part(key_value, '|', -1)::INTEGER FROM raw.submission_keys
                           WHERE superseded_by IS NULL AND regexp_full_match(split_part(key_value, '|', -1), '\\d{4}')""").fetchall()
    return sorted(y for (y,) in years)

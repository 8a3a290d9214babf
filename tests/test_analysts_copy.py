"""The analysts' copy: the published schemas only, readable by DuckDB 1.x clients, Parquet of the marts, and a
failure midway leaves the previous copy whole."""

import os

import duckdb
import pytest

from vigie.analysts_copy import write_copy
from vigie.publish import publish_folder


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    for schema in ("raw", "staging", "marts", "reference", "quality"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute("CREATE TABLE raw.submissions AS SELECT 'f.csv' AS file_name, 'accepted' AS status")
    con.execute("CREATE TABLE raw.isolates AS SELECT 'P1' AS patient_pseudonym")
    con.execute("CREATE VIEW staging.stg_isolates AS SELECT * FROM raw.isolates")
    con.execute("CREATE TABLE marts.resistance_rates AS SELECT range AS n_tested FROM range(3)")
    con.execute("CREATE VIEW marts.recent AS SELECT * FROM marts.resistance_rates WHERE n_tested > 0")
    con.execute("CREATE TABLE reference.organisms AS SELECT 'ESCCOL' AS organism_code")
    con.close()
    return path


def test_copy_holds_the_published_schemas_for_duckdb_1x_clients(warehouse, tmp_path):
    folder = tmp_path / "copy"
    folder.mkdir()
    summary = write_copy(warehouse, folder)
    assert summary.rows == {"marts.recent": 2, "marts.resistance_rates": 3, "raw.submissions": 1,
                            "reference.organisms": 1}, "no raw rows, no staging"
    database = folder / "vigie.duckdb"
    assert oct(database.stat().st_mode & 0o777) == "0o444", "read-only file"
    con = duckdb.connect(str(database), read_only=True)
    [(tags,)] = con.sql("SELECT tags FROM duckdb_databases() WHERE database_name = 'vigie'").fetchall()
    assert tags["storage_version"].startswith("v1.4"), "DuckDB 1.4 and later open it"
    assert con.sql("SELECT count(*) FROM marts.recent").fetchall() == [(2,)], "a view is published as a table"
    con.close()
    assert duckdb.sql(f"SELECT count(*) FROM '{folder}/parquet/marts/resistance_rates.parquet'").fetchall() == [(3,)]
    assert not (folder / "parquet" / "reference").exists()


def test_a_failure_midway_leaves_the_previous_copy_whole(warehouse, tmp_path):
    link = tmp_path / "analysts" / "current"

    def first(folder):
        write_copy(warehouse, folder)

    def failing(folder):
        (folder / "vigie.duckdb").write_bytes(b"half a file")
        raise OSError("disk full")

    publish_folder(link, first, "v1")
    with pytest.raises(OSError):
        publish_folder(link, failing, "v2")
    assert os.readlink(link) == ".current.v1"
    con = duckdb.connect(str(link / "vigie.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM marts.resistance_rates").fetchall() == [(3,)]
    con.close()
    publish_folder(link, first, "v3")
    assert sorted(p.name for p in link.parent.iterdir()) == [".current.v3", "current"], "leftovers cleared"

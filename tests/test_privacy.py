"""Patient identifiers are pseudonymised at ingestion and never stored or published in clear."""

import duckdb

from fixtures import VALID, with_cell
from vigie.pseudonym import pseudonym

CLEAR = "PAT-CLAIR"


def test_pseudonym_is_keyed_and_per_source():
    assert pseudonym(b"k1", "LAB1", "42") == pseudonym(b"k1", "LAB1", "42")
    assert pseudonym(b"k1", "LAB1", "42") != pseudonym(b"k1", "LAB2", "42"), "labs number patients on their own"
    assert pseudonym(b"k1", "LAB1", "42") != pseudonym(b"k2", "LAB1", "42"), "the key matters"
    assert pseudonym(b"k1", "LAB1", "4|2") != pseudonym(b"k1", "LAB14", "2")
    assert len(pseudonym(b"k1", "LAB1", "42")) == 32


def test_no_clear_identifier_in_any_table_or_output(land, ingest, settings):
    for dataset in ("isolates", "spiadi_bacteremia", "spicmi_procedures"):
        land(dataset, VALID[dataset])
        land(dataset, with_cell(dataset, 0, "patient_id", ""))  # rejected: the finding must not leak either
        ingest(dataset)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    tables = con.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    assert len(tables) >= 15
    for schema, table in tables:
        hits = con.sql(f'SELECT count(*) FROM "{schema}"."{table}" t WHERE t::VARCHAR LIKE \'%{CLEAR}%\'').fetchall()
        assert hits == [(0,)], f"{schema}.{table} holds a clear patient identifier"
    assert con.sql("SELECT count(DISTINCT patient_id) FROM raw.isolates").fetchall() == [(3,)]
    con.close()
    outputs = [p for p in settings.outputs_dir.rglob("*") if p.is_file()]
    assert outputs
    for path in outputs:
        assert CLEAR not in path.read_text(encoding="utf-8"), path


def test_same_patient_same_pseudonym_across_submissions(land, ingest, settings):
    land("isolates", VALID["isolates"])
    ingest("isolates")
    land("isolates", VALID["isolates"].replace("I1;", "I9;").replace("2024-03-05", "2024-09-05"))
    ingest("isolates")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    distinct = con.sql("SELECT count(DISTINCT patient_id) FROM raw.isolates WHERE isolate_id IN ('I1', 'I9')").fetchall()
    con.close()
    assert distinct == [(1,)]

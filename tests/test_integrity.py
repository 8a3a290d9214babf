"""The blocking integrity check catches what must never be in the warehouse."""

import duckdb

from fixtures import VALID


def test_integrity_check_detects_leaks_and_double_keys(land, ingest, settings):
    from assets.ingestion import integrity_problems
    from vigie.protocol import DATASETS

    land("isolates", VALID["isolates"])
    [sub] = ingest("isolates").submissions
    con = duckdb.connect(str(settings.warehouse_path))
    dataset = DATASETS["isolates"]
    assert not any(integrity_problems(con, dataset, [sub.submission_id]).values())
    con.execute("UPDATE raw.isolates SET patient_id = 'PAT-CLAIR-001' WHERE _line = 2")
    con.execute("UPDATE raw.submission_keys SET superseded_by = NULL")
    con.execute("INSERT INTO raw.submission_keys SELECT 'other', dataset, key_value, 99, 1, NULL FROM raw.submission_keys")
    con.execute("UPDATE raw.submissions SET status = 'rejected'")
    problems = integrity_problems(con, dataset, [sub.submission_id])
    con.close()
    assert problems["clear_patient_id"] == 1
    assert problems["keys_with_several_current_submissions"] == 2
    assert problems["rows_of_rejected_submissions"] == 6


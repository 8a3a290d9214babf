"""Every dataset of the protocol: a valid submission is accepted and loaded row for row."""

import pytest

from fixtures import ROWS, VALID
from vigie.protocol import DATASETS


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_valid_fixture_is_accepted_with_exact_row_count(dataset, land, ingest, query, settings):
    land(dataset, VALID[dataset])
    report = ingest(dataset)
    [sub] = report.submissions
    assert sub.status == "accepted", [(f.rule_id, f.lines, f.values) for f in sub.findings]
    assert report.rows_loaded == ROWS[dataset]
    assert query(f"SELECT count(*) FROM raw.{dataset}") == [(ROWS[dataset],)]
    assert query("SELECT status, n_rows FROM raw.submissions") == [("accepted", ROWS[dataset])]
    assert not any(settings.landing_dir.rglob("*.csv")), "the file must leave the landing area"
    assert len(list((settings.archive_dir / dataset).iterdir())) == 1
    assert len(list(settings.receipts_dir.rglob("*.html"))) == 1


def test_provenance_and_keys_are_recorded(land, ingest, query):
    land("isolates", VALID["isolates"], name="export labo.csv")
    ingest("isolates")
    [(sid, name, sender)] = query("SELECT submission_id, file_name, sender FROM raw.submissions")
    assert len(sid) == 64 and name == "export labo.csv" and sender == "310781406"
    keys = query("SELECT key_value, n_rows FROM raw.submission_keys ORDER BY key_value")
    assert keys == [("310781406|2024", 5), ("LAB00001|2024", 1)]
    assert query("SELECT min(_line), max(_line) FROM raw.isolates") == [(2, 7)]


def test_typed_values_are_stored(land, ingest, query):
    land("spares_consumption", VALID["spares_consumption"])
    ingest("spares_consumption")
    rows = query("SELECT sector, atc_code, route, quantity, unit FROM raw.spares_consumption ORDER BY _line")
    assert rows[0] == ("MED", "J01CA04", "O", 1500.0, "G")
    assert rows[2] == ("REA", "J01XB01", "P", 90.0, "MU")

"""Submission identity and history: duplicates ingested once, later submissions supersede earlier ones."""

import html
import os

from fixtures import VALID, with_cell


def _current(query, dataset):
    return query(f"""SELECT t.* EXCLUDE (_submission_id, _line, _year, _key) FROM raw.{dataset} t
        JOIN raw.submission_keys k ON k.submission_id = t._submission_id AND k.key_value = t._key
        AND k.superseded_by IS NULL ORDER BY ALL""")


def test_same_bytes_twice_are_ingested_once(land, ingest, query, settings):
    land("spares_activity", VALID["spares_activity"], name="a.csv")
    land("spares_activity", VALID["spares_activity"], name="b.csv")
    report = ingest("spares_activity")
    assert [s.status for s in report.submissions] == ["accepted", "duplicate"]
    land("spares_activity", VALID["spares_activity"], name="c.csv")
    assert [s.status for s in ingest("spares_activity").submissions] == ["duplicate"]
    assert query("SELECT count(*) FROM raw.spares_activity") == [(3,)]
    assert query("SELECT count(*) FROM raw.submissions") == [(1,)]
    assert query("SELECT outcome, count(*) FROM raw.receipts GROUP BY 1 ORDER BY 1") == [("accepted", 1), ("duplicate", 2)]
    assert len(list((settings.archive_dir / "spares_activity").iterdir())) == 3, "no file is ever deleted"


def test_later_submission_supersedes_for_its_key_only(land, ingest, query, settings):
    land("spares_activity", VALID["spares_activity"])
    ingest("spares_activity")
    corrected = "finess;year;sector;patient_days;admissions\n310781406;2024;MED;11000;1600\n"
    land("spares_activity", corrected)
    [sub] = ingest("spares_activity").submissions
    assert sub.status == "accepted" and [k for k, _ in sub.superseded] == ["310781406|2024"]
    current = {(r[0], r[2]): r[3] for r in _current(query, "spares_activity")}
    assert current == {("310781406", "MED"): 11000, ("750100232", "MED"): 5000}, "REA of the old file is replaced too"
    assert query("SELECT count(*) FROM raw.spares_activity") == [(4,)], "the earlier rows stay in history"
    assert query("SELECT count(*) FROM raw.submission_keys WHERE superseded_by IS NOT NULL") == [(1,)]
    receipt = (settings.receipts_dir / "310781406").glob(f"*{sub.submission_id[:12]}.html")
    assert "remplace l'envoi" in html.unescape(next(receipt).read_text(encoding="utf-8"))


def test_two_versions_in_one_batch_the_later_wins(land, ingest, query):
    land("spares_activity", VALID["spares_activity"])
    land("spares_activity", with_cell("spares_activity", 0, "patient_days", "12345"))
    ingest("spares_activity")
    current = {(r[0], r[2]): r[3] for r in _current(query, "spares_activity")}
    assert current[("310781406", "MED")] == 12345


def test_rejected_resubmission_keeps_the_current_data(land, ingest, query):
    land("spares_activity", VALID["spares_activity"])
    ingest("spares_activity")
    land("spares_activity", with_cell("spares_activity", 0, "sector", "URG"))
    ingest("spares_activity")
    assert len(_current(query, "spares_activity")) == 3


def test_signalement_updated_by_a_later_extraction(land, ingest, query):
    land("signalements", VALID["signalements"])
    ingest("signalements")
    update = VALID["signalements"].strip().split("\n")
    land("signalements", update[0] + "\n" + update[2].replace(";OPEN;", ";CLOSED;2024-08-01").rstrip(";") + "\n")
    [sub] = ingest("signalements").submissions
    assert sub.status == "accepted", [(f.rule_id, f.values) for f in sub.findings]
    statuses = {r[0]: r[10] for r in _current(query, "signalements")}
    assert statuses == {"ES-2024-001": "CLOSED", "ES-2024-002": "CLOSED"}


def test_a_failure_midway_leaves_nothing_half_written(land, ingest, query, settings, monkeypatch):
    import vigie.ingest

    land("spares_activity", VALID["spares_activity"])

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(vigie.ingest, "_record", crash)
    try:
        ingest("spares_activity")
    except RuntimeError:
        pass
    assert query("SELECT count(*) FROM raw.spares_activity") == [(0,)]
    assert query("SELECT count(*) FROM raw.submission_keys") == [(0,)]
    assert len(list((settings.landing_dir / "spares_activity").iterdir())) == 1, "the file waits for the re-run"
    monkeypatch.undo()
    assert [s.status for s in ingest("spares_activity").submissions] == ["accepted"]
    assert query("SELECT count(*) FROM raw.spares_activity") == [(3,)]


LAB_HEADER = "source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;department;organism;antibiotic;sir\n"


def _lab_rows(year: int, n: int, first: int = 1, day: str = "03-01") -> str:
    return "".join(f"LAB00042;COMM;{year}-{i};PAT-CLAIR-{i};F;50;{year}-{day};URINE;31;ESCCOL;AMX;S\n"
                   for i in range(first, first + n))


def _current_keys(query):
    return dict(query("SELECT key_value, n_rows FROM raw.submission_keys WHERE superseded_by IS NULL"))


def test_a_dating_spill_never_replaces_the_year_it_barely_touches(land, ingest, query, settings):
    land("isolates", LAB_HEADER + _lab_rows(2025, 30))
    ingest("isolates")
    # A 2024 extraction holding one sample of 1 January 2025 (1 row of 41: under 5 %).
    land("isolates", LAB_HEADER + _lab_rows(2024, 40) + _lab_rows(2025, 1, first=900, day="01-01"))
    [sub] = ingest("isolates").submissions
    assert sub.status == "accepted_with_warnings"
    [spill] = [f for f in sub.findings if f.rule_id == "dating_spill"]
    assert spill.lines == [42] and spill.columns == ["sample_date", "source_id"] and spill.values == ["2025-01-01 / LAB00042"]
    assert _current_keys(query) == {"LAB00042|2025": 30, "LAB00042|2024": 40}, "2025 keeps its 30 rows"
    assert query("SELECT count(*) FROM raw.isolates WHERE isolate_id = '2025-900'") == [(0,)], "the spill is left out"
    receipt = html.unescape(next((settings.receipts_dir / "LAB00042").glob(f"*{sub.submission_id[:12]}.html"))
                            .read_text(encoding="utf-8"))
    assert "moins de 5 % de ses lignes" in receipt and "restent en vigueur" in receipt and "2025-01-01" in receipt


def test_spills_on_both_sides_of_the_main_year(land, ingest, query):
    land("isolates", LAB_HEADER + _lab_rows(2023, 1, first=800, day="12-31") + _lab_rows(2024, 40)
         + _lab_rows(2025, 1, first=900, day="01-01"))
    [sub] = ingest("isolates").submissions
    assert [f.n_failing for f in sub.findings if f.rule_id == "dating_spill"] == [2]
    assert _current_keys(query) == {"LAB00042|2024": 40}


def test_a_year_with_five_percent_of_the_rows_is_a_submission_for_that_year(land, ingest, query):
    land("isolates", LAB_HEADER + _lab_rows(2025, 30))
    ingest("isolates")
    land("isolates", LAB_HEADER + _lab_rows(2024, 19) + _lab_rows(2025, 1, first=900))  # 1 of 20: 5 %
    [sub] = ingest("isolates").submissions
    assert sub.status == "accepted"
    assert _current_keys(query) == {"LAB00042|2025": 1, "LAB00042|2024": 19}, "the sender replaced its 2025 data"


def test_the_same_isolate_number_in_two_years_is_two_isolates(land, ingest, query):
    rows = ("LAB00042;COMM;7;PAT-CLAIR-1;F;50;2024-05-02;URINE;31;KLEPNE;CTX;R\n"
            "LAB00042;COMM;7;PAT-CLAIR-2;M;70;2025-05-02;URINE;31;STAAUR;FOX;S\n")
    land("isolates", LAB_HEADER + rows + _lab_rows(2024, 15, first=100) + _lab_rows(2025, 15, first=100))
    [sub] = ingest("isolates").submissions
    assert sub.status == "accepted", [(f.rule_id, f.values) for f in sub.findings]


def test_receipt_times_are_in_paris_time(land, ingest, settings):
    path = land("spares_activity", VALID["spares_activity"])
    os.utime(path, (1_719_835_200, 1_719_835_200))  # 2024-07-01 12:00 UTC
    ingest("spares_activity")
    receipt = next((settings.receipts_dir / "310781406").glob("*.html")).read_text(encoding="utf-8")
    assert "01/07/2024 à 14:00 (heure de Paris)" in receipt



def _disk_full(*args, **kwargs):
    import errno

    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failing_disk_loses_no_receipt_and_no_quarantine(land, ingest, settings, query, monkeypatch):
    """Receipts that cannot be written, then a file that cannot be moved: each file still ends where its fate says
    and each sender gets its receipt once the disk takes writes again, the run naming what it could not write."""
    from vigie import delivery, landing

    rejected_first = land("spares_activity", with_cell("spares_activity", 0, "sector", "URG"))
    accepted_first = land("spares_activity", VALID["spares_activity"])
    with monkeypatch.context() as patch:
        patch.setattr(delivery, "write_partial", _disk_full)
        report = ingest("spares_activity")
    assert len(report.undelivered) == 3, "two receipts, and the copy beside the quarantined file"
    assert all("No space left on device" in u for u in report.undelivered)
    assert not list(settings.outputs_dir.rglob("*.html"))
    assert not rejected_first.exists() and not accepted_first.exists()
    quarantine = settings.quarantine_dir / "spares_activity"
    assert len(list(quarantine.glob("*_file_1.csv"))) == 1
    assert query("SELECT count(*) FROM raw.pending_receipts") == [(3,)]

    report = ingest("spares_activity")  # the disk takes writes again: the next run writes them
    assert report.undelivered == [] and report.submissions == []
    assert len(list(settings.receipts_dir.rglob("*.html"))) == 2
    assert len(list(quarantine.glob("*_accuse_de_reception.html"))) == 1
    assert query("SELECT count(*) FROM raw.pending_receipts") == [(0,)]

    rejected_again = land("spares_activity", with_cell("spares_activity", 1, "sector", "URG"))
    with monkeypatch.context() as patch:
        patch.setattr(landing.shutil, "move", _disk_full)
        report = ingest("spares_activity")
    assert rejected_again.exists(), "a file that could not be moved stays in the landing area"
    assert [u for u in report.undelivered if str(rejected_again) in u]
    assert [s.status for s in report.submissions] == ["rejected"]

    report = ingest("spares_activity")  # not taken for a duplicate: it goes to quarantine, its receipt beside it
    assert report.submissions == [] and report.undelivered == []
    assert not rejected_again.exists()
    assert len(list(quarantine.glob("*_file_3.csv"))) == 1
    assert len(list(quarantine.glob("*_accuse_de_reception.html"))) == 2
    assert not list((settings.archive_dir / "spares_activity").glob("*_file_3.csv"))
    assert query("SELECT status, count(*) FROM raw.submissions GROUP BY ALL ORDER BY ALL") == \
        [("accepted", 1), ("rejected", 2)]

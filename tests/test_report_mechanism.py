"""The report mechanism on hand-made documents: French numbers, one set of figures in every format, atomic
publication."""

import datetime as dt
import io
import os

import openpyxl
import pytest

from vigie import french
from vigie import publish as publishing
from vigie.reports.document import COUNT, INTERVAL, QUARTILES, TEXT, Column, Participant, Report, Section, Table
from vigie.reports.render import cell_text, render_html, render_pdf, render_xlsx


def test_numbers_and_times_in_french():
    assert french.number(1234.56) == "1\u202f234,6"
    assert french.number(0.08333, 3) == "0,083"
    assert french.number(1602, 0) == "1\u202f602"
    assert french.number(None) == "–" and french.number(float("nan")) == "–"
    assert french.number(2.675, 2) == "2,68" and french.number(0.125, 2) == "0,12"  # half to even, as written


def test_french_numbers_are_babel_s_for_fr_fr():
    import random

    from babel.numbers import format_decimal

    rng = random.Random(7)
    values = [0, -0.0, 0.05, 2.675, -1234.56, 1e21, 5e-324, 123456789.125]
    values += [rng.uniform(-1e7, 1e7) for _ in range(3000)] + [round(rng.uniform(0, 1e4), 3) for _ in range(3000)]
    values += [rng.randint(-10**9, 10**9) for _ in range(1000)]
    for value in values:
        for digits in (0, 1, 2, 3):
            pattern = "#,##0" + ("." + "0" * digits if digits else "")
            assert french.number(value, digits) == format_decimal(value, format=pattern, locale="fr_FR"), value
    assert french.paris_time(dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.timezone.utc)) == "16/01/2026 à 00:30"
    assert french.paris_time(dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.timezone.utc)) == "15/07/2026 à 14:00"


def test_cells_as_the_reader_sees_them():
    assert cell_text((1.5, 22.25), Column("IC", INTERVAL)) == "1,5 – 22,2"
    assert cell_text((1, 2, 3), Column("Q", QUARTILES, 2)) == "1,00 – 2,00 – 3,00"
    assert cell_text(12345, Column("n", COUNT)) == "12\u202f345"
    assert cell_text(None, Column("x")) == "–"


def _report() -> Report:
    table = Table("Résistances", [Column("Bactérie", TEXT), Column("Souches testées", COUNT),
                                   Column("Résistantes", unit="% R"), Column("IC 95 %", INTERVAL, unit="% R"),
                                   Column("Groupe", QUARTILES, unit="% R")],
                  [["Escherichia coli", 25, 12.0, (5.5, 30.1), None],
                   ["Klebsiella pneumoniae", 40, 27.5, (15.9, 43.0), (20.0, 25.0, 31.5)]],
                  ["moins de 30 souches testées", ""], sheet="Résistances")
    return Report(Participant("establishment", "310781406", "CHU A", [("Catégorie", "CHU")]), 2024, "Rapport 2024",
                  dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.timezone.utc), [Section("r", "Résistance", "", [table])])


def test_html_shows_units_flags_and_the_date_of_the_data():
    page = render_html(_report())
    assert "% R" in page and "moins de 30 souches testées" in page and 'class="flagged"' in page
    assert "envois reçus jusqu'au 01/03/2025 à 10:00 (heure de Paris)" in page.replace("&#39;", "'")
    assert "27,5" in page and "15,9 – 43,0" in page and "20,0 – 25,0 – 31,5" in page


def _pdf_text(pdf: bytes) -> str:
    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_pdf_shows_the_same_figures_and_is_the_same_for_the_same_report():
    pdf = render_pdf(_report())
    text = _pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and "Rapport 2024" in text and "CHU A (310781406)" in text
    assert "15,9 – 43,0" in text and "20,0 – 25,0 – 31,5" in text and "moins de 30 souches testées" in text
    assert "Remarque" in text and "page 1 / 1" in text
    assert render_pdf(_report()) == pdf


def test_pdf_shows_markup_in_a_participant_s_text_as_text():
    report = _report()
    hostile = '#panic("x") *gras* $x$ ] [ <script>alert(1)</script> =cmd|\' /C calc\'!A0 \\ @ref // note'
    report.participant.name = hostile
    report.tables[0].rows[0][0] = hostile
    text = _pdf_text(render_pdf(report))
    assert '#panic("x") *gras* $x$ ] [' in text and "<script>alert(1)</script>" in text


def test_workbook_holds_the_same_figures_with_french_headers_frozen_and_filtered():
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(_report())))
    sheet = book["Résistances"]
    assert sheet["A1"].value == "CHU A (310781406)" and "2024" in sheet["A2"].value
    headers = [c.value for c in sheet[5]]
    assert headers == ["Bactérie", "Souches testées", "Résistantes (% R)", "IC 95 % – borne basse (% R)",
                       "IC 95 % – borne haute (% R)", "Groupe – P25 (% R)", "Groupe – médiane (% R)",
                       "Groupe – P75 (% R)", "Remarque"]
    assert [c.value for c in sheet[6]] == ["Escherichia coli", 25, 12.0, 5.5, 30.1, None, None, None,
                                           "moins de 30 souches testées"]
    assert sheet.freeze_panes == "A6" and sheet.auto_filter.ref == "A5:I7"


def test_publication_swaps_whole_versions(tmp_path):
    link = tmp_path / "310781406" / "2024"
    publishing.publish(link, {"a.html": b"v1", "a.pdf": b"v1"}, "one")
    assert (link / "a.html").read_bytes() == b"v1" and publishing.current_fingerprint(link) == "one"
    publishing.publish(link, {"a.html": b"v2", "a.pdf": b"v2"}, "two")
    assert (link / "a.pdf").read_bytes() == b"v2"
    assert sorted(p.name for p in link.parent.iterdir()) == [".2024.two", "2024"], "the old version is cleared"


def test_a_publication_that_fails_midway_leaves_the_previous_version_whole(tmp_path, monkeypatch):
    link = tmp_path / "310781406" / "2024"
    publishing.publish(link, {"a.html": b"v1", "a.pdf": b"v1"}, "one")
    real_fsync = os.fsync
    calls = {"n": 0}

    def disk_fails(fd):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        real_fsync(fd)

    monkeypatch.setattr(publishing.os, "fsync", disk_fails)
    with pytest.raises(OSError):
        publishing.publish(link, {"a.html": b"v2", "a.pdf": b"v2"}, "two")
    assert (link / "a.html").read_bytes() == b"v1" and (link / "a.pdf").read_bytes() == b"v1"
    monkeypatch.undo()
    publishing.publish(link, {"a.html": b"v3", "a.pdf": b"v3"}, "three")
    assert sorted(p.name for p in link.parent.iterdir()) == [".2024.three", "2024"], "leftovers are cleared"


def test_a_report_is_rewritten_only_when_the_code_that_shapes_its_kind_changes():
    from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS, REGIONAL_OUTPUT
    from vigie.reports.writer import _shaping_files

    establishment, laboratory = (
        {path.name for path in _shaping_files(kind)} for kind in PARTICIPANT_REPORT_KINDS)
    regional = {path.name for path in _shaping_files(REGIONAL_OUTPUT)}
    assert {"spares.py", "spicmi.py", "render.py", "report.html.j2", "report.typ"} <= establishment
    assert "primo.py" in laboratory and "primo.py" not in establishment
    assert {"regional.py", "regional_missions.py", "suppression.py"} <= regional
    assert not {"activity.py", "feedback.py", "writer.py"} & (establishment | laboratory | regional)


def test_each_kind_of_report_has_its_own_folder_and_file_names():
    """A hospital whose laboratory also sends community isolates gets an establishment's report and a laboratory's:
    sharing a folder, each publication replaced the other (147 hospitals of a national year kept only one)."""
    from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS, REGIONAL_OUTPUT

    kinds = [*PARTICIPANT_REPORT_KINDS, REGIONAL_OUTPUT]
    assert len({kind.folder for kind in kinds}) == len(kinds)
    assert len({kind.stem for kind in kinds}) == len(kinds)


def test_concurrent_publications_of_the_same_report_neither_fail_nor_mix(tmp_path):
    """A sensor's run and a schedule's run publishing the same report at the same moment: without a lock, the second
    clears the first's half-written version. Each publisher here writes slowly, in its own thread."""
    import threading
    import time

    link = tmp_path / "310781406" / "2024"
    link.parent.mkdir(parents=True)
    outcomes, errors = [], []

    def slow(content: bytes):
        def write(folder):
            for name in ("a.html", "a.pdf"):
                time.sleep(0.2)
                (folder / name).write_bytes(content)
        return write

    def publish(version: str):
        try:
            outcomes.append((version, publishing.publish_folder(link, slow(version.encode()), version).written))
        except Exception as error:  # noqa: BLE001 (the assertion below names it)
            errors.append(error)

    for versions in (["same", "same"], ["left", "right"]):
        threads = [threading.Thread(target=publish, args=(v,)) for v in versions]
        [t.start() for t in threads]
        [t.join() for t in threads]
    assert errors == []
    assert sorted(w for v, w in outcomes if v == "same") == [False, True], "the second found it published"
    current = publishing.current_fingerprint(link)
    assert current in ("left", "right")
    assert (link / "a.html").read_bytes() == (link / "a.pdf").read_bytes() == current.encode()
    assert sorted(p.name for p in link.parent.iterdir()) == [f".2024.{current}", "2024"]

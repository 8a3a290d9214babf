"""Every hostile file answered: the corpus of tests/hostile_corpus.py is landed with one valid file per dataset and
ingested once, as a run ingests (each dataset in the order of the protocol), while a file is still being appended
to; a second run lands what must come later. Each entry ends once in archive or quarantine with a receipt in French
naming the reason, or is left where it is and reported; the run never crashes, every valid row reaches its raw table,
nothing outside the landing area is read or moved, and no output holds an active formula or unescaped HTML."""

import html
import os
import re
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

import hostile_corpus as hc
from conftest import TEST_KEY
from fixtures import ROWS, VALID
from vigie import protocol as p


@dataclass
class Run:
    settings: object
    outside: Path
    entries: list  # every entry landed, both runs
    reports: list = field(default_factory=list)  # the IngestReports of both runs
    crashes: list = field(default_factory=list)  # (dataset, exception)
    strays: list = field(default_factory=list)  # what the landing area holds beside the dataset folders
    appended_rows: int = 0  # rows of the file being written, once it is complete
    appended_in_first_run: list = field(default_factory=list)  # its submissions in the first run (none expected)
    outside_before: dict = field(default_factory=dict)

    def submissions(self, entry) -> list:
        path = self.settings.landing_dir / entry.path
        return [s for report in self.reports for s in report.submissions if s.file.path == path]

    def left(self) -> list:
        return [left for report in self.reports for left in report.left] + list(self.strays)

    def query(self, sql: str, params=None):
        con = duckdb.connect(str(self.settings.warehouse_path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


class Writer(threading.Thread):
    """Appends a valid row every 50 ms to a file of the landing area until stopped: an upload in progress."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.rows, self.stop = path, 0, threading.Event()
        header = VALID["isolates"].split("\n")[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(header + "\n", encoding="utf-8")

    def run(self):
        while not self.stop.is_set():
            with self.path.open("a", encoding="utf-8") as stream:
                stream.write(hc.appended_row(self.rows))
            self.rows += 1
            time.sleep(0.05)


def _ingest(run: Run, datasets) -> None:
    from vigie.ingest import ingest_dataset

    for dataset in datasets:
        try:
            run.reports.append(ingest_dataset(dataset, run.settings))
        except Exception as error:  # the assertion names it; the run goes on as a run's other assets would
            run.crashes.append((dataset, error))


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from vigie import landing
    from vigie.settings import load_settings

    root = tmp_path_factory.mktemp("hostile")
    now = time.time()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VIGIE_DATA_DIR", str(root / "data"))
        patch.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        patch.setenv("VIGIE_MAX_FILE_MB", str(hc.MAX_FILE_MB))
        patch.delenv("VIGIE_ENV", raising=False)
        settings = load_settings()
        settings.ensure_dirs()
        outside = root / "outside"
        entries = hc.corpus(now)
        hc.land(entries, settings.landing_dir, outside, first_stamp=now - 3600)
        result = Run(settings, outside, entries)
        result.outside_before = {path: path.read_bytes() for path in outside.rglob("*") if path.is_file()}

        writer = Writer(settings.landing_dir / hc.APPENDED)
        writer.start()
        _ingest(result, p.DATASETS)
        result.strays = landing.strays(settings.landing_dir, p.DATASETS)
        appended = hc.Entry("being_written", hc.APPENDED)
        result.appended_in_first_run = result.submissions(appended)
        writer.stop.set()
        writer.join()
        result.appended_rows = writer.rows

        later = hc.second_run(now)
        hc.land(later, settings.landing_dir, outside, first_stamp=now)
        os.utime(writer.path, (now - 10, now - 10))  # the upload ended a while ago
        result.entries += later
        result.entries.append(hc.Entry("being_written", hc.APPENDED, outcome=hc.ACCEPTED, rows=writer.rows))
        _ingest(result, ["population", "isolates", "spiadi_exposure"])
        yield result


def _receipt(run: Run, sub) -> str:
    from vigie.delivery import receipt_paths

    [path, *beside] = receipt_paths(sub, run.settings)
    assert run.settings.receipts_dir in path.parents and path.exists(), (sub.file.name, path)
    assert all(other.exists() for other in beside), beside
    return html.unescape(path.read_text(encoding="utf-8"))


def _kept(run: Run, sub) -> list[Path]:
    """Where the file of `sub` is kept: archive/ or quarantine/ of its dataset."""
    name = Path(sub.stored_path).name
    return [folder / sub.dataset / name for folder in (run.settings.archive_dir, run.settings.quarantine_dir)
            if (folder / sub.dataset / name).exists()]


def _assert_answered(run: Run, family: str) -> None:
    """Each entry of the family: a submission once archived or quarantined, with its receipt, its reason and its
    valid rows; or left where it is and reported with its reason."""
    entries = [entry for entry in run.entries if entry.family == family]
    assert entries
    assert not run.crashes, run.crashes
    for entry in entries:
        where = run.settings.landing_dir / entry.path
        if entry.outcome == hc.LEFT:
            assert os.path.lexists(where), f"{entry.path}: left where it is"
            reported = [left for left in run.left() if left.path == where or left.path in where.parents]
            assert reported, f"{entry.path}: not reported"
            assert entry.reason in reported[0].reason, (entry.path, reported[0].reason)
            assert all(detail in reported[0].reason for detail in entry.details), (entry.path, reported[0].reason)
            assert not run.submissions(entry), f"{entry.path}: taken for a submission"
            continue
        subs = run.submissions(entry)
        assert len(subs) == 1, f"{entry.path}: {len(subs)} submissions"
        [sub] = subs
        assert sub.status == entry.outcome, (entry.path, sub.status, [(f.rule_id, f.message) for f in sub.findings])
        assert not os.path.lexists(where), f"{entry.path}: still in the landing area"
        kept = _kept(run, sub)
        assert len(kept) == 1, (entry.path, kept)
        folder = run.settings.quarantine_dir if sub.status == hc.REJECTED else run.settings.archive_dir
        assert folder in kept[0].parents, (entry.path, kept[0])
        receipt = _receipt(run, sub)
        for expected in (entry.reason, *entry.details):
            assert expected in receipt, (entry.path, expected, re.sub(r"<[^>]+>", " ", receipt)[-1500:])
        for unexpected in entry.absent:
            assert unexpected not in receipt, (entry.path, unexpected)
        if sub.status in (hc.ACCEPTED, hc.WARNED):
            [(n,)] = run.query(f"SELECT count(*) FROM raw.{sub.dataset} WHERE _submission_id = ?", [sub.submission_id])
            assert n == entry.rows, (entry.path, n, entry.rows)


def test_the_runs_never_crash_and_every_valid_file_is_loaded_whole(run):
    assert not run.crashes, run.crashes
    _assert_answered(run, "valid")
    for dataset, n in ROWS.items():
        [(loaded,)] = run.query(f"SELECT count(*) FROM raw.{dataset}")
        assert loaded >= n, dataset


def test_names_mean_nothing(run):
    _assert_answered(run, "names")


def test_symlinks_are_never_followed(run):
    _assert_answered(run, "symlinks")
    after = {path: path.read_bytes() for path in run.outside.rglob("*") if path.is_file()}
    assert after == run.outside_before, "nothing outside the landing area is moved or changed"
    for dataset in p.DATASETS:
        [(n,)] = run.query(f"SELECT count(*) FROM raw.{dataset} t WHERE t::VARCHAR LIKE '%{hc.OUTSIDE_MARK}%'")
        assert n == 0, f"raw.{dataset} holds rows read through a symlink"
    for folder in (run.settings.archive_dir, run.settings.quarantine_dir):
        assert not [path for path in folder.rglob("*") if path.is_symlink()]


def test_hidden_files_sub_folders_and_unknown_folders_are_left_and_reported(run):
    import datetime as dt

    from vigie.summary import summary_text

    _assert_answered(run, "strays")
    summary = summary_text(run.settings, dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1))
    said = summary[summary.index("Laissés dans la zone de dépôt"):]
    assert "isolats: dossier « isolats »" in said and "isolates/.DS_Store: fichier caché" in said
    assert "isolates/lien_dehors.csv: lien symbolique" in said and "population: le dossier" in said


def test_a_file_still_being_written_is_left_for_the_next_run(run):
    assert run.appended_in_first_run == [], "taken while it was being written"
    assert run.appended_rows > 20
    _assert_answered(run, "being_written")


def test_encodings_line_ends_separators_and_quotes(run):
    _assert_answered(run, "encodings")
    names = dict(run.query("SELECT s.file_name, e.name FROM raw.establishments e JOIN raw.submissions s "
                           "ON s.submission_id = e._submission_id WHERE e.finess = '2A0000123'"))
    assert names["latin1.csv"] == "Hôpital Sainte-Thérèse"
    assert names["windows1252.csv"] == hc.ACCENTED
    assert names["guillemets.csv"] == 'CH "Saint; Jean",\nannexe; bât. B'


def test_workbooks(run):
    _assert_answered(run, "workbooks")
    [(beds,)] = run.query("SELECT e.beds FROM raw.establishments e JOIN raw.submissions s ON s.submission_id = "
                          "e._submission_id WHERE s.file_name = 'formules.xlsx' AND e.finess = '2A0000123'")
    assert beds == 400, "a formula is read as its value"


def test_parquet_with_unexpected_or_nested_types(run):
    _assert_answered(run, "parquets")


def test_very_large_files(run):
    _assert_answered(run, "large")


def test_html_formulas_and_sql_in_cells_headers_and_names(run):
    _assert_answered(run, "injections")
    stored = {name for (name,) in run.query("SELECT name FROM raw.establishments")}
    assert set(hc.INJECTIONS[:4]) <= stored, "free text is stored as written"
    assert run.query("SELECT count(*) FROM raw.isolates")[0][0] > 0, "and never run"


def test_corrections_out_of_order_and_other_line_ends(run):
    _assert_answered(run, "corrections")
    received = run.query("SELECT max(received_at) FROM raw.submissions")[0][0]
    assert received.timestamp() <= time.time(), "a file dated in the future is received when the platform sees it"
    current = run.query("""SELECT s.file_name FROM raw.submission_keys k JOIN raw.submissions s USING (submission_id)
        WHERE k.dataset = ? AND k.superseded_by IS NULL""", ["spiadi_exposure"])
    assert current == [("correction_ancienne_date.csv",)], "the correction that came last is current"
    current = run.query("""SELECT s.file_name, k.n_rows FROM raw.submission_keys k JOIN raw.submissions s
        USING (submission_id) WHERE k.dataset = ? AND k.superseded_by IS NULL""", ["spiadi_bacteremia"])
    assert current == [("episodes_windows.csv", ROWS["spiadi_bacteremia"])], "the same rows, counted once"


ACTIVE = re.compile(r"^[=+\-@\t\r]")


def _output_files(run: Run) -> list[Path]:
    return [path for path in run.settings.outputs_dir.rglob("*") if path.is_file()]


def test_no_output_holds_unescaped_html_or_an_active_formula(run):
    outputs = _output_files(run)
    assert len(outputs) > 50
    for path in outputs:
        text = path.read_bytes().decode("utf-8", "replace")
        assert "<script" not in text.lower(), path
        assert "<img" not in text.lower(), path
        if path.suffix == ".csv":
            assert not [cell for cell in re.split(r"[,;\n]", text) if ACTIVE.match(cell)], path
        if path.suffix == ".xlsx":
            assert "<f>" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode(), path


def test_every_output_lies_in_its_folder(run):
    receipts = run.settings.receipts_dir.resolve()
    quarantine = run.settings.quarantine_dir.resolve()
    for path in _output_files(run):
        assert receipts in path.resolve().parents, path
    for path in run.settings.data_dir.rglob("*.html"):
        assert receipts in path.resolve().parents or quarantine in path.resolve().parents, path


def _hostile_report():
    from vigie.reports.document import COUNT, TEXT, Column, Participant, Report, Section, Table

    table = Table("Laboratoires", [Column("Nom", TEXT), Column("Souches", COUNT)],
                  [[text, n] for n, text in enumerate(hc.INJECTIONS)], [f"remarque {text}" for text in hc.INJECTIONS])
    return Report(Participant("laboratory", hc.INJECTIONS[3], hc.INJECTIONS[1], [("Nom", hc.INJECTIONS[0])]), 2024,
                  hc.INJECTIONS[5], None, [Section("s", hc.INJECTIONS[0], hc.INJECTIONS[0], [table])])


def test_a_report_writes_a_sender_s_text_as_text_in_its_workbook_and_page():
    import io

    import openpyxl

    from vigie.reports.render import render_html, render_xlsx

    workbook = render_xlsx(_hostile_report())
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        parts = {name: archive.read(name).decode() for name in archive.namelist()}
    sheets = {name: xml for name, xml in parts.items() if name.startswith("xl/worksheets/sheet")}
    assert sheets and not [name for name, xml in sheets.items() if "<f>" in xml or "<f " in xml], "a formula"
    assert not [name for name, xml in sheets.items() if "<hyperlink" in xml], "a link"
    sheet = openpyxl.load_workbook(io.BytesIO(workbook)).active
    assert sheet["A1"].value.startswith(hc.INJECTIONS[1])
    assert [sheet.cell(row, 1).value for row in range(6, 6 + len(hc.INJECTIONS))] == hc.INJECTIONS
    page = render_html(_hostile_report())
    assert "<script" not in page.lower() and "&lt;script&gt;alert(" in page


def test_a_csv_output_writes_a_sender_s_text_as_text(tmp_path):
    import csv

    import pandas as pd

    from vigie import ecdc
    from vigie.reports import feedback

    frames = {export.name: pd.DataFrame({"IsolateId": hc.INJECTIONS, "Count": range(len(hc.INJECTIONS))})
              for export in ecdc.EXPORTS}
    uncodable = pd.DataFrame({"isolat": hc.INJECTIONS, "fichier": hc.INJECTIONS, "premiere_ligne": 2})
    for name, frame in [*((export.file, frames[export.name]) for export in ecdc.EXPORTS),
                        (ecdc.UNCODABLE_REPORT, uncodable)]:
        with open(tmp_path / name, "wb") as handle:
            ecdc._write_csv(frame, handle)
    settings = type("Settings", (), {"outputs_dir": tmp_path})()
    for identifier in hc.INJECTIONS:
        feedback.record(settings, "laboratory", (identifier, 2024), None, "v1")
    written = list(tmp_path.glob("*.csv"))
    assert len(written) == len(ecdc.EXPORTS) + 2
    for path in written:
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if ACTIVE.match(cell) and not re.fullmatch(r"-?\d+", cell)], path
        assert "'" + hc.INJECTIONS[1] in cells, path
    assert feedback.read(settings)["participant_id"].to_list() == hc.INJECTIONS, "read back as sent"


def test_a_participant_s_report_folder_lies_within_the_reports(tmp_path):
    from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS
    from vigie.reports.writer import _link

    settings = type("Settings", (), {"outputs_dir": tmp_path})()
    for identifier in ("..", "../../etc", "/tmp/x", ".cache", "-rf", hc.INJECTIONS[0]):
        for kind in PARTICIPANT_REPORT_KINDS:
            link = _link(settings, kind, identifier, 2024)
            assert (tmp_path / kind.folder).resolve() in link.resolve().parents, (identifier, link)
            assert link.parent.name not in (".", "..") and not link.parent.name.startswith((".", "-"))

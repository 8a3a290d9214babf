"""Files too large to read safely are refused before they are materialised: limits on the file's size, its rows,
its columns and what it expands to, read from the environment; XLSX zip bombs and files that are not what their
suffix says are refused too; the other files of the run go on."""

import html
import io
import re
import struct
import zipfile

import polars as pl
import pytest
import xlsxwriter

from fixtures import VALID
from vigie import protocol as p

ISOLATE_COLUMNS = p.DATASETS["isolates"].column_names
RESULT = pl.read_csv(VALID["isolates"].encode(), separator=";", infer_schema=False).head(1)  # before any spy


def _isolates(n_rows: int) -> pl.DataFrame:
    """n_rows valid results, each its own isolate (one antibiotic each)."""
    return pl.concat([RESULT] * n_rows).with_columns(
        pl.format("I{}", pl.int_range(pl.len())).alias("isolate_id"))


def _bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    buffer = io.BytesIO()
    {"csv": lambda: frame.write_csv(buffer, separator=";"), "xlsx": lambda: frame.write_excel(buffer),
     "parquet": lambda: frame.write_parquet(buffer)}[fmt]()
    return buffer.getvalue()


def _hostile_workbook(n_rows: int, n_columns: int) -> bytes:
    """The shape of the issue's workbook, smaller: few bytes that expand to many rows of many columns."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False})
    sheet = workbook.add_worksheet()
    header = [*ISOLATE_COLUMNS, *(f"colonne_{i}" for i in range(len(ISOLATE_COLUMNS) + 1, n_columns + 1))]
    sheet.write_row(0, 0, header[:n_columns])
    for row in range(1, n_rows + 1):
        sheet.write_string(row, 0, "310781406")
        sheet.write_number(row, n_columns - 1, row % 7)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def ingest_with(settings, monkeypatch):
    """Ingests a dataset under limits set in the environment, as an operator sets them."""
    from vigie.ingest import ingest_dataset
    from vigie.settings import load_settings

    def _ingest(dataset: str, **environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, str(value))
        return ingest_dataset(dataset, load_settings())

    return _ingest


@pytest.fixture
def readers(monkeypatch):
    """The polars readers, spied on: which sources each was asked to read."""
    calls = {"scan_csv": [], "read_excel": [], "scan_parquet": []}
    for name, sources in calls.items():
        real = getattr(pl, name)

        def spy(source, *args, _real=real, _sources=sources, **kwargs):
            _sources.append(source)
            return _real(source, *args, **kwargs)

        monkeypatch.setattr(pl, name, spy)
    return calls


def _receipt(settings, sub) -> str:
    [path] = settings.receipts_dir.rglob(f"*_{sub.submission_id[:12]}.html")
    return html.unescape(path.read_text(encoding="utf-8"))


def test_a_workbook_expanding_to_many_rows_is_refused_before_calamine_and_the_others_go_on(
        land, ingest_with, readers, settings):
    hostile = land("isolates", _hostile_workbook(3_000, 48), name="export_complet.xlsx")
    valid_workbook = land("isolates", _bytes(_isolates(5), "xlsx"), name="valide.xlsx")
    land("isolates", VALID["isolates"], name="valide.csv")
    subs = ingest_with("isolates", VIGIE_MAX_ROWS=1_000).submissions
    assert [s.status for s in subs] == ["rejected", "accepted", "accepted"]
    assert [f.rule_id for f in subs[0].findings] == ["file.limits"]
    [finding] = subs[0].findings
    assert "3\u202f000 lignes" in finding.message and "limite de 1\u202f000 lignes" in finding.message
    assert "découpez l'envoi par année" in finding.message
    assert finding.message in _receipt(settings, subs[0])
    assert readers["read_excel"] == [valid_workbook], "calamine never loads the hostile sheet"
    assert hostile.name not in str(readers)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_rows_over_the_limit_are_counted_without_building_a_frame(fmt, land, ingest_with, readers):
    land("isolates", _bytes(_isolates(120), fmt), name=f"resultats.{fmt}")
    [sub] = ingest_with("isolates", VIGIE_MAX_ROWS=100).submissions
    assert sub.status == "rejected" and [f.rule_id for f in sub.findings] == ["file.limits"]
    assert "120 lignes de données, au-delà de la limite de 100 lignes" in sub.findings[0].message
    assert readers == {"scan_csv": [], "read_excel": [], "scan_parquet": []}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_columns_over_the_limit_are_refused(fmt, land, ingest_with, readers):
    frame = _isolates(3).with_columns(pl.lit("x").alias(f"remarque_{i}") for i in range(1, 9))
    land("isolates", _bytes(frame, fmt), name=f"resultats.{fmt}")
    [sub] = ingest_with("isolates", VIGIE_MAX_COLUMNS=20).submissions
    assert [f.rule_id for f in sub.findings] == ["file.limits"]
    assert "24 colonnes, au-delà de la limite de 20 colonnes" in sub.findings[0].message
    assert "ne gardez que les colonnes du protocole" in sub.findings[0].message
    assert readers == {"scan_csv": [], "read_excel": [], "scan_parquet": []}


def test_the_file_size_is_read_before_the_file(land, ingest_with, readers, monkeypatch):
    from pathlib import Path

    path = land("isolates", _bytes(_isolates(20_000), "csv"), name="gros.csv")  # about 1.8 Mo
    read_whole, read_bytes = [], Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read_whole.append(self) or read_bytes(self))
    [sub] = ingest_with("isolates", VIGIE_MAX_FILE_MB=1).submissions
    assert [f.rule_id for f in sub.findings] == ["file.limits"]
    assert re.search(r"le fichier pèse 1(,\d)? Mo, au-delà de la limite de 1 Mo", sub.findings[0].message)
    assert path not in read_whole and readers["scan_csv"] == []


def test_what_a_workbook_expands_to_is_limited(land, ingest_with, readers):
    land("isolates", _bytes(_isolates(5_000), "xlsx"), name="resultats.xlsx")
    [sub] = ingest_with("isolates", VIGIE_MAX_EXPANDED_MB=1).submissions
    assert [f.rule_id for f in sub.findings] == ["file.limits"]
    assert re.search(r"le classeur se décompresse en \d(,\d)? Mo, au-delà de la limite de 1 Mo", sub.findings[0].message)
    assert readers["read_excel"] == []


def _workbook_with_sheet(sheet_xml: bytes) -> bytes:
    """A valid workbook whose first sheet's XML is replaced."""
    source = zipfile.ZipFile(io.BytesIO(_bytes(_isolates(2), "xlsx")))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def test_a_sheet_longer_than_excel_allows_is_refused_whatever_the_row_limit(land, ingest_with, readers):
    """CSV and Parquet files are read in pieces, a workbook whole: its rows are bounded by Excel's own."""
    sheet = zipfile.ZipFile(io.BytesIO(_bytes(_isolates(2), "xlsx"))).read("xl/worksheets/sheet1.xml")
    claimed = re.sub(rb'<dimension ref="A1:([A-Z]+)\d+"', rb'<dimension ref="A1:\g<1>2000000"', sheet)
    assert claimed != sheet
    land("isolates", _workbook_with_sheet(claimed), name="resultats.xlsx")
    [sub] = ingest_with("isolates", VIGIE_MAX_ROWS=10_000_000).submissions
    assert [f.rule_id for f in sub.findings] == ["file.limits"]
    assert "1\u202f999\u202f999 lignes de données, au-delà de la limite de 1\u202f048\u202f575 lignes" in \
        sub.findings[0].message
    assert readers["read_excel"] == []


def test_a_zip_bomb_is_refused_for_its_compression_ratio(land, ingest_with, readers):
    sheet = zipfile.ZipFile(io.BytesIO(_bytes(_isolates(2), "xlsx"))).read("xl/worksheets/sheet1.xml")
    bomb = sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 30_000_000)  # blanks are valid XML
    land("isolates", _workbook_with_sheet(bomb), name="bombe.xlsx")
    [sub] = ingest_with("isolates").submissions
    assert [f.rule_id for f in sub.findings] == ["file.limits"]
    assert "taux de compression anormal" in sub.findings[0].message
    assert readers["read_excel"] == []


def test_a_workbook_lying_about_its_expanded_size_is_refused(land, ingest_with, readers):
    """calamine believes the data, not the sizes the archive declares: a sheet declaring 1 Ko and holding more
    would pass a check of the declared sizes alone."""
    raw = bytearray(_bytes(_isolates(2_000), "xlsx"))
    archive = zipfile.ZipFile(io.BytesIO(bytes(raw)))
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", raw, sheet.header_offset + 22, 1_000)  # the local header's uncompressed size
    central = raw.find(b"PK\x01\x02", archive.start_dir)
    while central != -1:  # and the central directory's
        name_length = struct.unpack_from("<H", raw, central + 28)[0]
        if raw[central + 46: central + 46 + name_length] == sheet.filename.encode():
            struct.pack_into("<I", raw, central + 24, 1_000)
        central = raw.find(b"PK\x01\x02", central + 4)
    land("isolates", bytes(raw), name="menteur.xlsx")
    [sub] = ingest_with("isolates").submissions
    assert sub.status == "rejected" and [f.rule_id for f in sub.findings] == ["file.readable"]
    assert "classeur XLSX illisible ou endommagé" in sub.findings[0].message
    assert readers["read_excel"] == []


@pytest.mark.parametrize("name,content,what", [
    ("resultats.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "classeur Excel ancien (.xls)"),
    ("resultats.csv", _bytes(_isolates(2), "xlsx"), "classeur XLSX"),
    ("resultats.parquet", VALID["isolates"].encode(), "texte"),
    ("resultats.csv", VALID["isolates"].encode("utf-16"), "UTF-16"),
    ("resultats.xlsx", b"%PDF-1.7\n" + bytes(600), "document PDF"),
])
def test_a_file_that_is_not_what_its_suffix_says_is_refused(name, content, what, land, ingest_with):
    land("isolates", content, name=name)
    [sub] = ingest_with("isolates").submissions
    assert [f.rule_id for f in sub.findings] == ["file.readable"]
    assert f"porte l'extension .{name.rsplit('.', 1)[1]}" in sub.findings[0].message
    assert what in sub.findings[0].message


def test_a_csv_at_the_limit_is_read_from_its_path(land, ingest_with, readers, query):
    path = land("isolates", _bytes(_isolates(2_000), "csv"), name="resultats.csv")
    [sub] = ingest_with("isolates", VIGIE_MAX_ROWS=2_000).submissions
    assert sub.status == "accepted" and query("SELECT count(*) FROM raw.isolates") == [(2_000,)]
    assert readers["scan_csv"] == [path], "polars reads the file itself: its bytes are never held whole"


def test_limits_come_from_the_environment_with_production_defaults(monkeypatch):
    from vigie.settings import load_settings

    for name in ("VIGIE_MAX_FILE_MB", "VIGIE_MAX_ROWS", "VIGIE_MAX_COLUMNS", "VIGIE_MAX_EXPANDED_MB"):
        monkeypatch.delenv(name, raising=False)
    defaults = load_settings(demo=True).limits
    assert (defaults.max_rows, defaults.max_columns) == (5_000_000, 32)
    assert (defaults.max_file_bytes, defaults.max_expanded_bytes) == (200 * 2**20, 500 * 2**20)
    monkeypatch.setenv("VIGIE_MAX_ROWS", "5000")
    assert load_settings(demo=True).limits.max_rows == 5_000
    monkeypatch.setenv("VIGIE_MAX_ROWS", "beaucoup")
    with pytest.raises(ValueError, match="VIGIE_MAX_ROWS"):
        load_settings(demo=True)

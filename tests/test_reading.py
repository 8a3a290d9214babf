"""Reading and parsing cells as participants write them."""

import datetime as dt

import polars as pl
import pytest

from quality.finess import department_of, luhn_valid
from vigie import protocol as p
from vigie.parsing import parse_expression
from vigie.reading import UnreadableFile, detect_separator, encoding_of


def test_encoding_utf8_bom_and_cp1252(tmp_path, monkeypatch):
    monkeypatch.setattr("vigie.limits.BLOCK", 2)  # a character split between two blocks is still whole
    file = tmp_path / "f.csv"
    for raw, encoding in [("éé".encode("utf-8"), "utf-8"), (b"\xef\xbb\xbfe", "utf-8-sig"),
                          ("Hôpital".encode("cp1252"), "cp1252")]:
        file.write_bytes(raw)
        assert encoding_of(file) == encoding
    file.write_bytes(b"\x81\x8d\x8f")  # bytes undefined in Windows-1252 and invalid UTF-8
    with pytest.raises(UnreadableFile):
        encoding_of(file)


def test_separator_detection_respects_quotes():
    assert detect_separator("a;b;c") == ";"
    assert detect_separator("a,b,c") == ","
    assert detect_separator('"a,1";"b,2"') == ";"


@pytest.mark.parametrize("kind,text,expected", [
    (p.INT, "1 234", 1234), (p.INT, "12.0", 12), (p.INT, "12,5", None), (p.INT, "x", None),
    (p.DECIMAL, "1234,56", 1234.56), (p.DECIMAL, "1 234.5", 1234.5), (p.DECIMAL, "1,2,3", None),
    (p.DATE, "2024-02-29", dt.date(2024, 2, 29)), (p.DATE, "29/02/2024", dt.date(2024, 2, 29)),
    (p.DATE, "2024-02-29 00:00:00", dt.date(2024, 2, 29)), (p.DATE, "29/02/2023", None), (p.DATE, "2024/02/29", None),
])
def test_cell_parsing(kind, text, expected):
    column = p.Column("cell", kind)
    value = pl.DataFrame({"cell": [text]}).select(parse_expression(column)).item()
    assert value == expected


def test_luhn_and_departments():
    assert luhn_valid("310781406") and not luhn_valid("310781407")
    assert luhn_valid("2A0000123"), "Corsica's 2A counts as 20"
    assert department_of("971000013") == "971" and department_of("2A0000123") == "2A"

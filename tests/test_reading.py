"""Reading and parsing cells as participants write them."""

import datetime as dt

import polars as pl
import pytest

from quality.finess import department_of, luhn_valid
from vigie import protocol as p
from vigie.parsing import parse_expression
from vigie.reading import UnreadableFile, decode, detect_separator


def test_decode_utf8_bom_and_cp1252():
    assert decode("é".encode("utf-8")) == ("é", "utf-8")
    assert decode(b"\xef\xbb\xbfe") == ("e", "utf-8-sig")
    assert decode("Hôpital".encode("cp1252")) == ("Hôpital", "cp1252")
    with pytest.raises(UnreadableFile):
        decode(b"\x81\x8d\x8f")  # bytes undefined in Windows-1252 and invalid UTF-8


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

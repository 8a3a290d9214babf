"""What an output writes of a sender's text, so that no spreadsheet runs it: the one place that neutralises formulas.

A cell a sender wrote (an establishment's name, a laboratory's identifier, an isolate number, a file name) may begin
as a formula does (`=`, `+`, `-`, `@`, or a tab or carriage return before one): a spreadsheet opening a CSV runs it
(`=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). So a CSV output writes such a text cell behind an apostrophe, as spreadsheets
themselves mark text that must stay text (OWASP, "CSV injection"); a number (`-3`, `+1.5`) is left as it is. A
workbook is written by xlsxwriter with every string as a string: never a formula, never a link. HTML outputs escape
what they show (their Jinja templates autoescape), and PDFs receive their text as JSON data, never as markup."""

import io
import re

import xlsxwriter

ACTIVE_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
MARK = "'"


def text(value):
    """A CSV cell as it may be written: text that would start a formula behind an apostrophe, anything else as is."""
    if isinstance(value, str) and value.startswith(ACTIVE_START) and not NUMBER.fullmatch(value):
        return MARK + value
    return value


def as_written(value: str) -> str:
    """What `text` wrote, as the sender wrote it (for an output that is read back, such as the feedback log)."""
    return value[1:] if value.startswith(MARK) and value[1:].startswith(ACTIVE_START) else value


def row(values) -> list:
    return [text(value) for value in values]


def frame(data):
    """A pandas frame with its text cells made inert (column by column: a cell at a time took seconds for a year's
    EARS-Net export)."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    data = data.copy()
    for column in data.columns:
        if is_string_dtype(data[column]) or is_object_dtype(data[column]):
            cells = data[column]
            active = (cells.str.startswith(ACTIVE_START, na=False)
                      & ~cells.str.fullmatch(NUMBER.pattern, na=False)).astype(bool)
            if active.any():
                data[column] = cells.where(~active, MARK + cells[active])
    return data


def workbook(buffer: io.BytesIO) -> xlsxwriter.Workbook:
    """An in-memory workbook whose `write` never turns a string into a formula, a number or a link."""
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})

"""Writes a frame as a participant's extraction would look: CSV in UTF-8 or Windows-1252, `;` or `,`,
decimal comma, French dates, some XLSX and Parquet."""

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
import xlsxwriter

XLSX_MAX_ROWS = 5_000


@dataclass(frozen=True)
class FileStyle:
    fmt: str  # csv | xlsx | parquet
    encoding: str = "utf-8"  # utf-8 | utf-8-sig | cp1252
    separator: str = ";"
    decimal_comma: bool = False
    french_dates: bool = False
    upper_headers: bool = False

    @property
    def suffix(self) -> str:
        return "." + self.fmt


def random_style(rng: np.random.Generator, n_rows: int) -> FileStyle:
    draw = rng.random()
    if draw < 0.05 and n_rows <= XLSX_MAX_ROWS:
        return FileStyle("xlsx", french_dates=rng.random() < 0.5)
    if draw < 0.12:
        return FileStyle("parquet")
    separator = ";" if rng.random() < 0.6 else ","
    return FileStyle(
        "csv",
        encoding=str(rng.choice(["utf-8", "utf-8-sig", "cp1252"], p=[0.5, 0.2, 0.3])),
        separator=separator,
        decimal_comma=separator == ";" and rng.random() < 0.7,
        french_dates=rng.random() < 0.5,
        upper_headers=rng.random() < 0.2,
    )


def _render_dates(frame: pl.DataFrame, french: bool) -> pl.DataFrame:
    fmt = "%d/%m/%Y" if french else "%Y-%m-%d"
    return frame.with_columns(pl.col(c).dt.strftime(fmt) for c, t in frame.schema.items() if t == pl.Date)


def _xlsx(frame: pl.DataFrame) -> bytes:
    """A workbook with a fixed creation date, so that the same seed gives the same bytes."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": dt.datetime(2026, 1, 1)})
    frame.write_excel(workbook=workbook, autofit=False)
    workbook.close()
    return buffer.getvalue()


def to_bytes(frame: pl.DataFrame, style: FileStyle) -> bytes:
    if style.upper_headers:
        frame = frame.rename({c: c.upper() for c in frame.columns})
    if style.fmt == "parquet":
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        return buffer.getvalue()
    frame = _render_dates(frame, style.french_dates)
    if style.fmt == "xlsx":
        return _xlsx(frame)
    text = frame.write_csv(separator=style.separator, decimal_comma=style.decimal_comma, float_precision=None)
    if style.encoding == "cp1252":
        return text.encode("cp1252", errors="replace")
    return text.encode(style.encoding)


def write(frame: pl.DataFrame, folder: Path, stem: str, style: FileStyle) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}{style.suffix}"
    path.write_bytes(to_bytes(frame, style))
    return path

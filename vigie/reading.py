"""Reads a submitted file (CSV, XLSX or Parquet) into a frame of text columns with normalised headers."""

import csv
import io
from pathlib import Path

import polars as pl

from quality.quoting import without_cells

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")


class UnreadableFile(Exception):
    """The file cannot be read at all: the message is a French sentence for the sender; `detail`, the library's own
    words, is for the engineers' log only."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


def _detail(error: Exception) -> str:
    """The library's first line, without the cells it quotes (they may identify a patient)."""
    return without_cells(str(error)).splitlines()[0]


def decode(raw: bytes) -> tuple[str, str]:
    """Returns the text and the encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "encodage non reconnu : enregistrez le fichier en UTF-8 ou en Windows-1252"
        ) from error


def detect_separator(header_line: str) -> str:
    """`;` or `,`, whichever splits the header into more fields (quotes respected)."""
    counts = {sep: len(next(csv.reader([header_line], delimiter=sep))) for sep in (";", ",")}
    return ";" if counts[";"] >= counts[","] else ","


def _header_name(name: str) -> str:
    return str(name).strip().lstrip("\ufeff").lower()


def _refuse_duplicated(names: list[str]) -> None:
    names = [_header_name(n) for n in names]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise UnreadableFile(f"colonnes en double dans l'en-tête : {', '.join(duplicated)}")


def _normalise_headers(frame: pl.DataFrame) -> pl.DataFrame:
    _refuse_duplicated(frame.columns)
    return frame.rename({name: _header_name(name) for name in frame.columns})


def _read_csv(raw: bytes) -> pl.DataFrame:
    text, encoding = decode(raw)
    if not text.strip():
        raise UnreadableFile("le fichier est vide")
    header_line = text.splitlines()[0]
    separator = detect_separator(header_line)
    _refuse_duplicated(next(csv.reader([header_line], delimiter=separator)))
    # polars reads UTF-8 bytes as they are; only other encodings pay for a re-encoding.
    utf8 = raw[3:] if encoding == "utf-8-sig" else raw if encoding == "utf-8" else text.encode()
    try:
        return pl.read_csv(
            utf8, separator=separator, infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as error:
        raise UnreadableFile(_csv_problem(text, separator), _detail(error)) from error


def _csv_problem(text: str, separator: str) -> str:
    """Where a CSV breaks, in words the sender can act on."""
    rows = csv.reader(io.StringIO(text), delimiter=separator)
    expected = len(next(rows))
    for line, fields in enumerate(rows, start=2):
        if fields and len(fields) != expected:
            return (f"CSV mal formé : la ligne {line} a {len(fields)} champs alors que l'en-tête en a {expected} "
                    f"(séparateur « {separator} » ; vérifiez les séparateurs et les guillemets de cette ligne)")
    return ("CSV mal formé : une valeur entre guillemets n'est pas refermée, ou une ligne n'a pas le nombre de champs "
            "de l'en-tête ; enregistrez-le de nouveau en CSV depuis votre logiciel")


def _read_xlsx(raw: bytes) -> pl.DataFrame:
    try:
        frame = pl.read_excel(io.BytesIO(raw), sheet_id=1, engine="calamine", infer_schema_length=0)
    except Exception as error:  # the engines raise their own types
        raise UnreadableFile("classeur XLSX illisible ou endommagé : ouvrez-le dans votre tableur, enregistrez-le de "
                             "nouveau au format .xlsx et renvoyez-le", _detail(error)) from error
    return frame.with_columns(pl.all().cast(pl.String))


def _read_parquet(raw: bytes) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(io.BytesIO(raw))
    except Exception as error:
        raise UnreadableFile("fichier Parquet illisible ou endommagé : exportez-le de nouveau et renvoyez-le",
                             _detail(error)) from error
    return frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") if frame.schema[c] in (pl.Date, pl.Datetime) else pl.col(c)
         for c in frame.columns]
    ).with_columns(pl.all().cast(pl.String))


def read_submission(path: Path, raw: bytes) -> pl.DataFrame:
    """All columns as text, headers lower-cased and trimmed, empty cells null."""
    suffix = path.suffix.lower()
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
    if suffix not in readers:
        raise UnreadableFile(f"format {suffix or '(aucun)'} non pris en charge : envoyez du CSV, du XLSX ou du Parquet")
    frame = _normalise_headers(readers[suffix](raw))
    return frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in frame.columns
    )

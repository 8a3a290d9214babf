"""Reads a submitted file (CSV, XLSX or Parquet) into a frame of text columns with normalised headers, once it is
known to be what its suffix says and within the limits (vigie/limits.py); the file's bytes are never held whole."""

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from quality.quoting import without_cells
from vigie.limits import Limits, OverLimit, blocks, check_file

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
UTF8_BOM = b"\xef\xbb\xbf"
DAMAGED = {
    ".csv": "fichier CSV illisible : enregistrez-le de nouveau en CSV depuis votre logiciel et renvoyez-le",
    ".xlsx": "classeur XLSX illisible ou endommagé : ouvrez-le dans votre tableur, enregistrez-le de nouveau au "
             "format .xlsx et renvoyez-le",
    ".parquet": "fichier Parquet illisible ou endommagé : exportez-le de nouveau et renvoyez-le",
}
# The first bytes of what participants send under another suffix; anything else without NUL bytes is text.
SIGNATURES = {
    b"PK\x03\x04": "un classeur XLSX (ou une autre archive ZIP)",
    b"\xd0\xcf\x11\xe0": "un classeur Excel ancien (.xls) ou protégé par un mot de passe",
    b"PAR1": "un fichier Parquet",
    b"%PDF": "un document PDF",
    b"\xff\xfe": "un texte en UTF-16",
    b"\xfe\xff": "un texte en UTF-16",
}
TEXT = "un fichier texte"
EXPECTED = {".csv": TEXT, ".xlsx": SIGNATURES[b"PK\x03\x04"], ".parquet": SIGNATURES[b"PAR1"]}
SAVE_AS = {
    ".csv": "enregistrez-le au format CSV (UTF-8 ou Windows-1252) depuis votre logiciel",
    ".xlsx": "ouvrez-le dans votre tableur et enregistrez-le au format .xlsx, sans mot de passe",
    ".parquet": "exportez-le de nouveau au format Parquet, ou envoyez un CSV",
}


class UnreadableFile(Exception):
    """The file cannot be read at all: the message is a French sentence for the sender; `detail`, the library's own
    words, is for the engineers' log only."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


def _detail(error: Exception) -> str:
    """The library's first line, without the cells it quotes (they may identify a patient)."""
    return without_cells(str(error)).splitlines()[0]


def encoding_of(path: Path) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, checked over the whole file a block at a time."""
    with path.open("rb") as stream:
        utf8 = "utf-8-sig" if stream.read(3) == UTF8_BOM else "utf-8"
    for encoding in (utf8, "cp1252"):
        if _decodes(path, encoding):
            return encoding
    raise UnreadableFile("encodage non reconnu : enregistrez le fichier en UTF-8 ou en Windows-1252")


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        for block in blocks(path):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


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


def _read_csv(path: Path) -> pl.DataFrame:
    encoding = encoding_of(path)
    with path.open(encoding=encoding, newline="") as text:
        header_line = text.readline().rstrip("\r\n")
    if not header_line.strip():
        raise UnreadableFile("le fichier est vide")
    separator = detect_separator(header_line)
    _refuse_duplicated(next(csv.reader([header_line], delimiter=separator)))
    try:
        return pl.read_csv(
            path if encoding != "cp1252" else _as_utf8(path), separator=separator, infer_schema=False,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.PolarsError as error:
        raise UnreadableFile(_csv_problem(path, encoding, separator), _detail(error)) from error


def _as_utf8(path: Path) -> io.BytesIO:
    """polars reads UTF-8 (and skips its BOM) only: Windows-1252, one byte a character, is re-encoded block by block."""
    utf8 = io.BytesIO()
    for block in blocks(path):
        utf8.write(block.decode("cp1252").encode())
    utf8.seek(0)
    return utf8


def _csv_problem(path: Path, encoding: str, separator: str) -> str:
    """Where a CSV breaks, in words the sender can act on."""
    with path.open(encoding=encoding, newline="") as text:
        rows = csv.reader(text, delimiter=separator)
        expected = len(next(rows))
        for line, fields in enumerate(rows, start=2):
            if fields and len(fields) != expected:
                return (f"CSV mal formé : la ligne {line} a {len(fields)} champs alors que l'en-tête en a {expected} "
                        f"(séparateur « {separator} » ; vérifiez les séparateurs et les guillemets de cette ligne)")
    return ("CSV mal formé : une valeur entre guillemets n'est pas refermée, ou une ligne n'a pas le nombre de champs "
            "de l'en-tête ; enregistrez-le de nouveau en CSV depuis votre logiciel")


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_excel(path, sheet_id=1, engine="calamine", infer_schema_length=0)
    except Exception as error:  # the engines raise their own types
        raise UnreadableFile(DAMAGED[".xlsx"], _detail(error)) from error
    return frame.with_columns(pl.all().cast(pl.String))


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:
        raise UnreadableFile(DAMAGED[".parquet"], _detail(error)) from error
    return frame.with_columns(
        [pl.col(c).dt.strftime("%Y-%m-%d") if frame.schema[c] in (pl.Date, pl.Datetime) else pl.col(c)
         for c in frame.columns]
    ).with_columns(pl.all().cast(pl.String))


READERS = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}


def _content_of(head: bytes) -> str:
    what = next((what for signature, what in SIGNATURES.items() if head.startswith(signature)), None)
    return what or ("des données binaires" if b"\0" in head else TEXT)


def _refuse_disguised(path: Path, suffix: str) -> None:
    """A file must be what its suffix says: an old .xls renamed .xlsx, a workbook named .csv..."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head:
        raise UnreadableFile("le fichier est vide")
    if (what := _content_of(head)) != EXPECTED[suffix]:
        raise UnreadableFile(f"le fichier porte l'extension {suffix} mais c'est {what} ; {SAVE_AS[suffix]}")


def _within_limits(path: Path, suffix: str, limits: Limits) -> None:
    try:
        check_file(path, limits)
    except OverLimit:
        raise
    except Exception as error:  # whatever a damaged archive or footer raises while it is measured
        raise UnreadableFile(DAMAGED[suffix], _detail(error) if str(error) else repr(error)) from error


def read_submission(path: Path, limits: Limits) -> pl.DataFrame:
    """All columns as text, headers lower-cased and trimmed, empty cells null. Raises OverLimit for a file over a
    limit, UnreadableFile for one that cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise UnreadableFile(f"format {suffix or '(aucun)'} non pris en charge : envoyez du CSV, du XLSX ou du Parquet")
    _refuse_disguised(path, suffix)
    _within_limits(path, suffix, limits)
    frame = _normalise_headers(READERS[suffix](path))
    return frame.with_columns(
        pl.col(c).str.strip_chars().replace("", None) for c in frame.columns
    )

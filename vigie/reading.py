"""Reads a submitted file (CSV, XLSX or Parquet) into a frame of text columns with normalised headers, once it is
known to be what its suffix says and within the limits (vigie/limits.py); the file's bytes are never held whole."""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import polars as pl

from quality.quoting import without_cells
from vigie.limits import BLOCK, Limits, OverLimit, blocks, check_file, first_sheet, small_part

SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")
UTF8_BOM = b"\xef\xbb\xbf"
PIECE_ROWS = 100_000  # what is read at a time of a CSV file read in pieces
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
UTF16 = SIGNATURES[b"\xff\xfe"]
EXPECTED = {".csv": TEXT, ".xlsx": SIGNATURES[b"PK\x03\x04"], ".parquet": SIGNATURES[b"PAR1"]}
SAVE_AS = {
    ".csv": "enregistrez-le au format CSV (UTF-8 ou Windows-1252) depuis votre logiciel",
    ".xlsx": "ouvrez-le dans votre tableur et enregistrez-le au format .xlsx, sans mot de passe",
    ".parquet": "exportez-le de nouveau au format Parquet, ou envoyez un CSV",
}


@dataclass
class Read:
    """A submitted file as text: its frame, the line of the file (or row of the sheet) of its first data row, and
    the sheet that was read (XLSX). A CSV or Parquet file too large to be read at once comes as `pieces` of PIECE_ROWS rows,
    read one after the other; `frame` then holds its header alone."""
    frame: pl.DataFrame
    first_line: int = 2
    sheet: str | None = None
    pieces: Iterator[pl.DataFrame] | None = None
    rows: int = 0  # as counted before the file is read (a CSV's lines)


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


def _read_csv(path: Path, protocol_columns, in_pieces: bool = False) -> Read:
    encoding = encoding_of(path)
    with path.open(encoding=encoding, newline="") as text:
        header_line = text.readline().rstrip("\r\n")
    if not header_line.strip():
        raise UnreadableFile("le fichier est vide")
    separator = detect_separator(header_line)
    header = next(csv.reader([header_line], delimiter=separator))
    if len(header) == 1 and "\t" in header_line:
        raise UnreadableFile("séparateur tabulation : le protocole demande le point-virgule « ; » ou la virgule « , » ; "
                             "enregistrez le fichier au format CSV (séparateur point-virgule) depuis votre logiciel")
    _refuse_duplicated(header)
    scan = pl.scan_csv(_csv_source(path, encoding), separator=separator, infer_schema=False,
                       truncate_ragged_lines=False)
    return _collected(scan, in_pieces, lambda: _csv_problem(path, encoding, separator))


def _collected(scan: pl.LazyFrame, in_pieces: bool, problem: Callable[[], str]) -> Read:
    """The file's rows as text, at once or PIECE_ROWS at a time (then given as `read_submission` gives a whole
    file's). `problem`: what to tell the sender when its rows cannot be read."""
    if in_pieces:
        return Read(pl.DataFrame(schema=scan.collect_schema()), pieces=_pieces(scan, problem))
    try:
        return Read(scan.collect())
    except pl.exceptions.PolarsError as error:
        raise UnreadableFile(problem(), _detail(error)) from error


def _pieces(scan: pl.LazyFrame, problem: Callable[[], str]) -> Iterator[pl.DataFrame]:
    try:
        for piece in scan.collect_batches(chunk_size=PIECE_ROWS):
            yield _as_text(piece)
    except pl.exceptions.PolarsError as error:
        raise UnreadableFile(problem(), _detail(error)) from error


def _csv_source(path: Path, encoding: str) -> Path | io.BytesIO:
    """What polars reads of a CSV: polars reads UTF-8 (and skips its BOM), with lines ending in LF or CR LF. A file
    in Windows-1252, or one with lines ending in a lone CR (old Macs, pieces pasted together), is copied in memory
    (the file is within the size limit), decoded a block at a time with universal newlines."""
    if encoding != "cp1252" and not _has_lone_carriage_return(path):
        return _source(path)
    utf8 = io.BytesIO()
    with path.open(encoding=encoding, newline=None) as text:
        while block := text.read(BLOCK):
            utf8.write(block.encode())
    utf8.seek(0)
    return utf8


def _source(path: Path) -> Path | io.BytesIO:
    """polars opens paths that are UTF-8: a file whose name the file system holds in another encoding is read from a
    copy in memory (the file is within the size limit)."""
    return path if _utf8_name(path) else io.BytesIO(path.read_bytes())


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _has_lone_carriage_return(path: Path) -> bool:
    carry = b""
    for block in blocks(path):
        window = carry + block
        lone = re.search(rb"\r(?!\n)", window)
        if lone and lone.start() < len(window) - 1:  # a CR ending the block may be followed by the next one's LF
            return True
        carry = window[-1:]
    return carry == b"\r"


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


def _read_xlsx(path: Path, protocol_columns) -> Read:
    try:
        frame = pl.read_excel(_source(path), sheet_id=1, engine="calamine", infer_schema_length=0)
        header_row, sheet = _first_row(path)
    except Exception as error:  # the engines raise their own types
        raise UnreadableFile(DAMAGED[".xlsx"], _detail(error)) from error
    return Read(frame.with_columns(pl.all().cast(pl.String)), header_row + 1, sheet)


def _first_row(path: Path) -> tuple[int, str]:
    """The row of the first sheet where its cells begin (calamine starts the sheet there: rows left empty above it
    are not read, yet the sender counts them), and the sheet's name."""
    with zipfile.ZipFile(path) as archive:
        sheet, _ = first_sheet(archive)
        workbook = ElementTree.fromstring(small_part(archive, "xl/workbook.xml"))
        name = next(e for e in workbook.iter() if e.tag.endswith("}sheet")).get("name")
        with archive.open(sheet) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.tag.endswith("}row"):
                    if any(part.tag.endswith(("}v", "}is")) for part in element.iter()):
                        return int(element.get("r", "1")), name
                    element.clear()
    return 1, name


NESTED = {pl.List: "liste", pl.Array: "tableau", pl.Struct: "structure", pl.Object: "objet"}


def _read_parquet(path: Path, protocol_columns, in_pieces: bool = False) -> Read:
    try:
        scan = pl.scan_parquet(_source(path))
        schema = scan.collect_schema()
    except Exception as error:
        raise UnreadableFile(DAMAGED[".parquet"], _detail(error)) from error
    nested = {c: NESTED[dtype.base_type()] for c, dtype in schema.items() if dtype.base_type() in NESTED}
    refused = [f"« {c} » ({kind})" for c, kind in nested.items() if _header_name(c) in protocol_columns]
    if refused:
        raise UnreadableFile(f"colonne(s) de type imbriqué : {', '.join(refused)} ; le protocole attend du texte, "
                             f"un nombre ou une date dans chaque cellule : exportez ces colonnes à plat")
    scan = scan.select(
        [pl.lit(None, pl.String).alias(c) if c in nested  # an extra column: named in the receipt, never read
         else pl.col(c).dt.strftime("%Y-%m-%d") if schema[c] in (pl.Date, pl.Datetime) else pl.col(c)
         for c in schema]
    ).with_columns(pl.all().cast(pl.String))
    return _collected(scan, in_pieces, lambda: DAMAGED[".parquet"])


READERS = {".csv": _read_csv, ".xlsx": _read_xlsx, ".parquet": _read_parquet}
READ_IN_PIECES = {".csv", ".parquet"}  # a workbook is bounded by its format (EXCEL_ROWS) and the limits


def _content_of(head: bytes) -> str:
    what = next((what for signature, what in SIGNATURES.items() if head.startswith(signature)), None)
    if what or b"\0" not in head:
        return what or TEXT
    # UTF-16 without its BOM: latin letters, digits and separators are a byte and a NUL
    return UTF16 if max(head[0::2].count(0), head[1::2].count(0)) > 0.8 * (len(head) // 2) else "des données binaires"


def _refuse_disguised(path: Path, suffix: str) -> None:
    """A file must be what its suffix says: an old .xls renamed .xlsx, a workbook named .csv..."""
    with path.open("rb") as stream:
        head = stream.read(4096)
    if not head:
        raise UnreadableFile("le fichier est vide")
    if (what := _content_of(head)) != EXPECTED[suffix]:
        raise UnreadableFile(f"le fichier porte l'extension {suffix} mais c'est {what} ; {SAVE_AS[suffix]}")


def _within_limits(path: Path, suffix: str, limits: Limits) -> int:
    try:
        return check_file(path, limits)
    except OverLimit:
        raise
    except Exception as error:  # whatever a damaged archive or footer raises while it is measured
        raise UnreadableFile(DAMAGED[suffix], _detail(error) if str(error) else repr(error)) from error


def read_submission(path: Path, limits: Limits, protocol_columns=frozenset(), pieces_above: int | None = None) -> Read:
    """All columns as text, headers lower-cased and trimmed, empty cells null. A column of a nested type (Parquet) is
    refused among `protocol_columns` and left empty elsewhere. A CSV or Parquet file of more than `pieces_above` rows
    comes in pieces. Raises OverLimit for a file over a limit, UnreadableFile for one that cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise UnreadableFile(f"format {suffix or '(aucun)'} non pris en charge : envoyez du CSV, du XLSX ou du Parquet")
    _refuse_disguised(path, suffix)
    rows = _within_limits(path, suffix, limits)
    if suffix in READ_IN_PIECES and pieces_above and rows > pieces_above:
        read = READERS[suffix](path, protocol_columns, in_pieces=True)
    else:
        read = READERS[suffix](path, protocol_columns)
    read.frame, read.rows = _as_text(read.frame), rows
    return read


def _as_text(frame: pl.DataFrame) -> pl.DataFrame:
    frame = _normalise_headers(frame)
    return frame.with_columns(pl.col(c).str.strip_chars().replace("", None) for c in frame.columns)

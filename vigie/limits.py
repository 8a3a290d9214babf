"""How large a submitted file may be, measured before it is read: its size on disk, then what it says of itself
(a CSV's header and lines, an XLSX's zip directory and sheet XML streamed a block at a time, a Parquet footer).
A file over a limit is refused with a French sentence naming the limit and the file's value, before anything
large is materialised; the limits come from the environment (Settings)."""

import csv
import os
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

import pyarrow.parquet as pq

from vigie.french import number, size

MIB = 2**20
BLOCK = MIB  # what is read of a file at a time
MAX_COMPRESSION_RATIO = 100  # sheet XML compresses 5 to 25 times; a zip bomb, a thousand
SMALL_PART = MIB  # parts this small may compress well without harm
EXCEL_ROWS = 1_048_576  # a sheet's rows in Excel, header included: calamine reads a sheet whole, so no more

SPLIT = ("découpez l'envoi par année (un fichier par année) ; si une seule année dépasse déjà la limite, "
         "écrivez à l'équipe de la plateforme")
PROTOCOL_COLUMNS = "ne gardez que les colonnes du protocole"
# The csv module refuses a field over 128 KiB: a file is bounded by the size limit instead, so that a very long
# header or cell is measured against the limits (columns, size) rather than failing as an unreadable file.
csv.field_size_limit(2**31 - 1)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MIB
    max_rows: int = 5_000_000  # a CSV or Parquet file this long is read in pieces and validated in parts
    max_columns: int = 32  # the widest dataset has 16 columns: room for as many extra ones
    max_expanded_bytes: int = 500 * MIB


# variable: (field, unit)
ENVIRONMENT = {
    "VIGIE_MAX_FILE_MB": ("max_file_bytes", MIB),
    "VIGIE_MAX_ROWS": ("max_rows", 1),
    "VIGIE_MAX_COLUMNS": ("max_columns", 1),
    "VIGIE_MAX_EXPANDED_MB": ("max_expanded_bytes", MIB),
}


def limits_from_environment(environ: Mapping[str, str] = os.environ) -> Limits:
    values = {}
    for variable, (field, unit) in ENVIRONMENT.items():
        if variable in environ:
            if not environ[variable].strip().isdigit() or int(environ[variable]) == 0:
                raise ValueError(f"{variable} must be a positive whole number, not {environ[variable]!r}")
            values[field] = int(environ[variable]) * unit
    return Limits(**values)


class OverLimit(Exception):
    """The file is over a limit: the message, in French, names the limit and the file's value."""


def check_file(path: Path, limits: Limits) -> int:
    """The file's data rows, counted before it is read; raises OverLimit for a file over a limit, and a damaged file
    its library's own error."""
    suffix = path.suffix.lower()
    noun = "le classeur" if suffix == ".xlsx" else "le fichier"
    on_disk = path.stat().st_size
    if on_disk > limits.max_file_bytes:
        raise OverLimit(f"{noun} pèse {size(on_disk)}, au-delà de la limite de {size(limits.max_file_bytes)} ; {SPLIT}")
    return {".csv": _check_csv, ".xlsx": _check_xlsx, ".parquet": _check_parquet}[suffix](path, limits, noun)


def _check_shape(rows: int, columns: int, limits: Limits, noun: str) -> int:
    if rows > limits.max_rows:
        raise OverLimit(f"{noun} compte {number(rows, 0)} lignes de données, au-delà de la limite de "
                        f"{number(limits.max_rows, 0)} lignes ; {SPLIT}")
    if columns > limits.max_columns:
        raise OverLimit(f"{noun} compte {number(columns, 0)} colonnes, au-delà de la limite de "
                        f"{number(limits.max_columns, 0)} colonnes ; {PROTOCOL_COLUMNS}")
    return rows


def blocks(path: Path) -> Iterator[bytes]:
    """A file a block at a time, never whole."""
    with path.open("rb") as stream:
        while block := stream.read(BLOCK):
            yield block


def _check_csv(path: Path, limits: Limits, noun: str) -> int:
    """Lines end with LF, CR LF or a lone CR (old Macs): each counts once."""
    with path.open("rb") as stream:
        first = re.split(rb"[\r\n]", stream.readline(BLOCK), maxsplit=1)[0]
    header = first.decode("latin-1")  # separators and quotes are ASCII in any encoding
    columns = max(len(next(csv.reader([header], delimiter=separator))) for separator in (";", ","))
    lines, last = 0, b"\n"
    for block in blocks(path):
        split_crlf = last == b"\r" and block.startswith(b"\n")  # a CR LF across two blocks
        lines += block.count(b"\n") + block.count(b"\r") - block.count(b"\r\n") - split_crlf
        last = block[-1:]
    return _check_shape(lines + (last not in b"\r\n") - 1, columns, limits, noun)


def _check_parquet(path: Path, limits: Limits, noun: str) -> int:
    with path.open("rb") as stream, pq.ParquetFile(stream) as parquet:  # the footer alone
        return _check_shape(parquet.metadata.num_rows, len(parquet.schema_arrow), limits, noun)


def _check_xlsx(path: Path, limits: Limits, noun: str) -> int:
    with zipfile.ZipFile(path) as archive:
        _refuse_bombs(archive, noun)
        sheet, shared_strings = first_sheet(archive)
        parts = [archive.getinfo(name) for name in (sheet, shared_strings) if name]
        expanded = sum(part.file_size for part in parts)
        if expanded > limits.max_expanded_bytes:
            raise OverLimit(f"{noun} se décompresse en {size(expanded)}, au-delà de la limite de "
                            f"{size(limits.max_expanded_bytes)} ; enregistrez-le en CSV ou {SPLIT}")
        rows = _check_sheet(archive, sheet, replace(limits, max_rows=min(limits.max_rows, EXCEL_ROWS - 1)), noun)
        if shared_strings:
            for _ in _tags(archive, shared_strings):  # calamine holds them all: their true size is checked too
                pass
    return rows


def _refuse_bombs(archive: zipfile.ZipFile, noun: str) -> None:
    for part in archive.infolist():
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > SMALL_PART and ratio > MAX_COMPRESSION_RATIO:
            raise OverLimit(f"{noun} a un taux de compression anormal ({number(ratio, 0)} pour 1, au-delà de "
                            f"{MAX_COMPRESSION_RATIO} pour 1) : ce n'est pas un export de tableur ordinaire ; "
                            f"enregistrez-le de nouveau depuis votre tableur ou envoyez un CSV")


def first_sheet(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The parts calamine reads: the first sheet of the workbook (its sheet 1) and the shared strings."""
    workbook = ElementTree.fromstring(small_part(archive, "xl/workbook.xml"))
    relations = ElementTree.fromstring(small_part(archive, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in relations}
    first = next(e for e in workbook.iter() if e.tag.endswith("}sheet"))
    relation = next(value for name, value in first.attrib.items() if name.endswith("}id"))
    shared = next((target for kind, target in targets.values() if kind.endswith("/sharedStrings")), None)
    return _part_name(targets[relation][1]), shared and _part_name(shared)


def small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > 10 * MIB:
        raise ValueError(f"{name} is too large to be a workbook's index")
    return archive.read(name)


def _part_name(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]+\d+:)?([A-Z]+)(\d+)"')
CELL_COLUMN = re.compile(rb'<c r="([A-Z]+)')


def _check_sheet(archive: zipfile.ZipFile, sheet: str, limits: Limits, noun: str) -> int:
    """The sheet's declared extent first (its first bytes say it), then its rows and columns as streamed: writers
    may leave the extent out or wrong, and calamine builds the whole rectangle of cells."""
    rows = columns = 0
    for n, xml in enumerate(_tags(archive, sheet)):
        if n == 0 and (extent := DIMENSION.search(xml)):
            _check_shape(int(extent[2]) - 1, _column_number(extent[1]), limits, noun)
        rows += xml.count(b"<row ") + xml.count(b"<row>")
        columns = max([columns, *map(_column_number, set(CELL_COLUMN.findall(xml)))])
        _check_shape(rows - 1, columns, limits, noun)
    return rows - 1


def _column_number(letters: bytes) -> int:
    index = 0
    for letter in letters:  # AV: 1 × 26 + 22
        index = index * 26 + letter - ord("A") + 1
    return index


def _tags(archive: zipfile.ZipFile, name: str) -> Iterator[bytes]:
    """A part's XML a block at a time, each block ending on a whole tag. zipfile stops at the size the archive
    declares and checks the CRC: a part holding more than it declares fails here (BadZipFile)."""
    carry = b""
    with archive.open(name) as stream:
        while block := stream.read(BLOCK):
            xml = carry + block
            cut = xml.rfind(b">") + 1
            if not cut and len(xml) > 2 * BLOCK:
                raise ValueError(f"{name}: no tag ends within {len(xml)} bytes")
            xml, carry = xml[:cut], xml[cut:]
            yield xml

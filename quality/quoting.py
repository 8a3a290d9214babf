"""Which cells of a submitted file may be quoted outside the file: in `quality.validation_results.sample_values`,
`raw.submissions.sender`, the receipts, and the Dagster metadata and logs. A sender needs the value that broke a
rule; nobody outside the file needs a patient's identifier. So a cell is quoted only when its shape is one that no
patient identifier or name has, in a column of its kind; otherwise it is replaced by MASK, and its line is still
given.

Quoted, in any column:
- a word of the protocol (a code of a code list, an antibiotic code, an organism's code, name or alias), and a
  scientific name whose genus the protocol knows (`Escherichia colli`): what a column shifted by one holds;
- a short number (at most 6 digits before the decimal separator and 3 after, sign, comparator: `-3`, `12,5`,
  `<=0.5`, `45 000`) or a date (`2024-13-01`, `31/02/2024`): IPP, NIR and telephone numbers are longer, and a date
  on its own identifies no one.
In a number or date column (int, decimal, year, date), nothing else but the marks of a missing value of at most 3
characters (`NA`, `x`): a word there is a name, not a number.
In a code, text or FINESS column, also a short code: at most 8 letters, digits and `_./-`, with no more than 4
letters or 6 digits in a row (`LAB00001`, `J01CA04`, `AMOX`); a name has a longer run of letters, an identifier a
longer run of digits or more characters (`DUPONTEL`, `8812345678`, `IPP-ZX9912`). Code lists (`1A|2`) part by part.
In a column that names an establishment or a laboratory (a FINESS column, the dataset's sender column), also a
valid FINESS (Luhn key, known département): a public number.
Masked: every cell of a patient column (pseudonymised), whatever its shape, and everything else. Known limits: a
surname of at most 4 letters in a code column, a 9-digit identifier that happens to be a valid FINESS in a FINESS
column, a composite identifier of 8 characters are quoted.
"""

import re
from functools import lru_cache

import polars as pl

from quality.finess import FINESS_PATTERN, department_of, luhn_valid
from vigie import protocol as p
from vigie.reference import antibiotic_codes, code_lists, organism_names

MASK = "(masqué)"
NUMBER_KINDS = (p.INT, p.DECIMAL, p.YEAR, p.DATE)
NUMBER = r"^(<=|>=|<|>|=)?[+-]?\d{1,6}([.,]\d{1,3})?$"  # once spaces are removed
DATE = r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T]\d{1,2}:\d{2}(:\d{2})?)?$"
MISSING_MARK = r"^[A-Za-z0-9/.?-]{1,3}$"
SHORT_CODE = r"^[A-Za-z0-9_./-]{1,8}$"
NAME_RUN, IDENTIFIER_RUN = r"[A-Za-z]{5}", r"\d{7}"
SCIENTIFIC_NAME = r"^([A-Z][a-z]+) [a-z]+\.?( [a-z]+\.?){0,2}$"
LIBRARY_QUOTES = r"`[^`]*(`|$)|\"[^\"]*(\"|$)"  # closed or not


# As series: a list given to `is_in` is converted again at each call (a millisecond a cell quoted, file by file).
@lru_cache(maxsize=1)
def _vocabulary() -> pl.Series:
    names = organism_names()
    abbreviated = {f"{name[0]}. {name.split(' ', 1)[1]}" for name in names if " " in name}  # E. coli
    words = {code for codes in code_lists().values() for code in codes} | antibiotic_codes() | names | abbreviated
    return pl.Series(sorted(_normalised(word) for word in words), dtype=pl.String)


@lru_cache(maxsize=1)
def _genera() -> pl.Series:
    return pl.Series(sorted({name.split(" ")[0] for name in organism_names() if " " in name}), dtype=pl.String)


def _normalised(text):
    if isinstance(text, str):
        return re.sub(r"\s+", " ", text.strip()).upper()
    return text.str.strip_chars().str.replace_all(r"\s+", " ").str.to_uppercase()


def _is_valid_finess(value: str | None) -> bool | None:
    if value is None:
        return None
    departments = code_lists()["department"]
    return bool(re.match(FINESS_PATTERN, value)) and luhn_valid(value) and department_of(value) in departments


def _valid_finess(cell: pl.Expr) -> pl.Expr:
    # By batch: polars reads the bytecode of an element-wise function at each call (a millisecond).
    return cell.str.to_uppercase().map_batches(
        lambda cells: pl.Series([_is_valid_finess(v) for v in cells], dtype=pl.Boolean), return_dtype=pl.Boolean)


def _quotable(cell: pl.Expr, column: p.Column, names_participant: bool) -> pl.Expr:
    """True where `cell` has a shape that no patient identifier or name has in this column."""
    shapes = [
        _normalised(cell).is_in(_vocabulary().implode()),
        cell.str.extract(SCIENTIFIC_NAME, 1).is_in(_genera().implode()),
        cell.str.replace_all(r"[\s\u00a0\u202f]", "").str.contains(NUMBER),
        cell.str.contains(DATE),
    ]
    if column.kind in NUMBER_KINDS:
        shapes.append(cell.str.contains(MISSING_MARK))
    else:
        shapes.append(cell.str.contains(SHORT_CODE) & ~cell.str.contains(NAME_RUN) & ~cell.str.contains(IDENTIFIER_RUN))
    if column.kind == p.FINESS or names_participant:
        shapes.append(_valid_finess(cell))
    return pl.any_horizontal(shapes).fill_null(False)


@lru_cache(maxsize=None)
def _keep(dataset: p.Dataset, name: str) -> pl.Expr:
    """Whether a cell of column `name` may be quoted; built once (building it took longer than applying it to a
    file's sender)."""
    column = dataset.column(name)
    cell = pl.col("cell").str.strip_chars()
    if column.pseudonymised:
        return pl.lit(False)
    if column.kind == p.CODES:
        return cell.str.split("|").list.eval(_quotable(pl.element(), column, False)).list.all()
    return _quotable(cell, column, name == dataset.sender_column)


def quoted(cells: pl.Series, dataset: p.Dataset, name: str) -> pl.Series:
    """The cells of column `name` as they may be quoted: as written, or MASK; empty cells stay null."""
    frame = pl.DataFrame({"cell": cells.cast(pl.String)}).with_columns(_keep(dataset, name).alias("keep"))
    return frame.select(pl.when(pl.col("cell").is_null() | pl.col("keep")).then(pl.col("cell"))
                        .otherwise(pl.lit(MASK)).alias(cells.name))[cells.name]


def quote(cell: str | None, dataset: p.Dataset, name: str) -> str | None:
    """One cell as it may be quoted (see `quoted`)."""
    return quoted(pl.Series("cell", [cell], dtype=pl.String), dataset, name)[0]


def without_cells(library_message: str) -> str:
    """A library's error message for the engineers' log, without what it quotes of the file: the column of a quoted
    piece is unknown there, so it is masked whatever its shape."""
    return re.sub(LIBRARY_QUOTES, f"`{MASK}`", library_message)

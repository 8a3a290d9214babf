"""A file too large to be validated at once, read a piece at a time and split into parts that can be.

Rows that a rule compares (the same isolate, the same unique key, an establishment's year) land in the same part,
so that each part is validated on its own with the same findings as the whole file; the parts are held in memory
compressed. What a rule weighs over the whole file (the years of a source) and what the receipt says of it (its
sender, its ATC codes, its rows) is counted as the file is read.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from quality.rules import part_of, spill_counts
from vigie import protocol as p
from vigie.parsing import typed_rows

PART_ROWS = 250_000  # what Great Expectations validates at once of a file in parts (its pandas copy is large)


@dataclass
class Parts:
    pieces: list[list[bytes]]  # per part, its rows from each piece of the file, as compressed Arrow IPC
    n_rows: int = 0
    spill_counts: pl.DataFrame | None = None
    sender_counts: pl.DataFrame | None = None
    atc_codes: set[str] = field(default_factory=set)  # the receipt recalls the conventions of some

    def frames(self) -> Iterator[pl.DataFrame]:
        """Each part's rows as text, one part at a time."""
        for pieces in self.pieces:
            if pieces:
                yield pl.concat([pl.read_ipc(io.BytesIO(piece)) for piece in pieces])


def numbered(text: pl.DataFrame, dataset: p.Dataset, submission_id: str, first_line: int) -> pl.DataFrame:
    """The protocol's columns of a file's rows, with their submission and their line as the sender counts them."""
    return text.select([c for c in text.columns if c in dataset.column_names]).with_columns(
        pl.lit(submission_id).alias("_submission_id"),
        (pl.int_range(pl.len(), dtype=pl.Int32) + first_line).alias("_line"),
    )


def sender_counts(text: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame | None:
    """How many rows name each sender (upper-cased), most first."""
    if not dataset.sender_column or dataset.sender_column not in text.columns:
        return None
    return _most_first(text[dataset.sender_column].drop_nulls().str.to_uppercase().value_counts(name="rows"))


def atc_codes(text: pl.DataFrame) -> set[str]:
    return set(text["atc_code"].drop_nulls().str.to_uppercase().unique()) if "atc_code" in text.columns else set()


def split(pieces: Iterator[pl.DataFrame], expected_rows: int, dataset: p.Dataset, submission_id: str,
          first_line: int) -> Parts:
    """`expected_rows` (the file's lines) sets how many parts."""
    count = max(1, -(-expected_rows // PART_ROWS))
    parts = Parts([[] for _ in range(count)])
    senders, spills = [], []
    for piece in pieces:
        text = numbered(piece, dataset, submission_id, first_line + parts.n_rows)
        typed = typed_rows(text, dataset).with_columns(p.row_year(dataset).alias(p.ROW_YEAR))  # what parts need
        text = text.with_columns(typed.select(part_of(dataset, count)))
        for (number,), rows in text.partition_by("_part", as_dict=True).items():
            parts.pieces[number].append(_compressed(rows.drop("_part")))
        senders.append(sender_counts(text, dataset))
        if dataset.spill_share:
            spills.append(spill_counts(typed, dataset))
        parts.atc_codes |= atc_codes(text)
        parts.n_rows += text.height
    parts.sender_counts = _summed([s for s in senders if s is not None])
    parts.spill_counts = pl.concat(spills) if spills else None
    return parts


def _compressed(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_ipc(buffer, compression="zstd")
    return buffer.getvalue()


def _summed(counts: list[pl.DataFrame]) -> pl.DataFrame | None:
    if not counts:
        return None
    name = counts[0].columns[0]
    return _most_first(pl.concat(counts).group_by(name).agg(pl.col("rows").sum()))


def _most_first(counts: pl.DataFrame) -> pl.DataFrame:
    """Rows per value, most first, ties in the values' order (whom a receipt answers does not depend on chance)."""
    return counts.sort("rows", counts.columns[0], descending=[True, False])

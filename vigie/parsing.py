"""Turns a frame of text cells into the canonical types of a dataset, remembering which cells did not parse."""

import polars as pl

from vigie import protocol as p

TYPE_ERROR_PREFIX = "_type_ok__"


def _integer(raw: pl.Expr) -> pl.Expr:
    cleaned = raw.str.replace_all(r"[\s\u00a0\u202f]", "").str.replace(r"[.,]0+$", "")
    return pl.when(cleaned.str.contains(r"^[+-]?\d+$")).then(cleaned).cast(pl.Int64, strict=False)


def _decimal(raw: pl.Expr) -> pl.Expr:
    cleaned = raw.str.replace_all(r"[\s\u00a0\u202f]", "").str.replace(",", ".", literal=True)
    return pl.when(cleaned.str.contains(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")).then(cleaned).cast(
        pl.Float64, strict=False
    )


def _date(raw: pl.Expr) -> pl.Expr:
    # Spreadsheets and Parquet may carry a time part: the date is the first 10 characters.
    head = raw.str.slice(0, 10)
    return pl.coalesce(
        pl.when(head.str.contains(r"^\d{4}-\d{2}-\d{2}$")).then(head.str.to_date("%Y-%m-%d", strict=False)),
        pl.when(head.str.contains(r"^\d{2}/\d{2}/\d{4}$")).then(head.str.to_date("%d/%m/%Y", strict=False)),
    )


def _code(raw: pl.Expr, column: p.Column) -> pl.Expr:
    code = raw.str.to_uppercase().str.replace_all(r"\s+", " ")
    if column.code_list == "sir":
        code = code.replace("SFP", "I")
    if column.kind == p.CODES:
        code = code.str.replace_all(r"\s", "")
    return code


def parse_expression(column: p.Column) -> pl.Expr:
    raw = pl.col(column.name)
    if column.kind in (p.INT, p.YEAR):
        return _integer(raw)
    if column.kind == p.DECIMAL:
        return _decimal(raw)
    if column.kind == p.DATE:
        return _date(raw)
    if column.kind in (p.CODE, p.CODES, p.FINESS):
        return _code(raw, column)
    return raw


def parse(text_frame: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame:
    """Typed canonical columns present in the file, plus `_type_ok__<col>` for columns that must parse.

    A cell that is filled but does not parse becomes null in the typed column, and False in its flag,
    so that validation reports it as a type error rather than as a missing value.
    """
    present = [c for c in dataset.columns if c.name in text_frame.columns]
    parsed = [parse_expression(c).alias(c.name) for c in present]
    flags = [
        (pl.col(c.name).is_null() | parse_expression(c).is_not_null()).alias(TYPE_ERROR_PREFIX + c.name)
        for c in present
        if c.kind in (p.INT, p.YEAR, p.DECIMAL, p.DATE)
    ]
    return text_frame.lazy().select(parsed + flags).collect()  # lazy: each flag reuses its column's parse


POLARS_TYPES = {
    p.INT: pl.Int64, p.YEAR: pl.Int64, p.DECIMAL: pl.Float64, p.DATE: pl.Date,
}


def polars_type(column: p.Column) -> pl.DataType:
    return POLARS_TYPES.get(column.kind, pl.String)


def complete_columns(typed: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame:
    """Adds the optional columns a file left out, as typed nulls (with nothing to misparse)."""
    absent = [c for c in dataset.columns if c.name not in typed.columns]
    return typed.with_columns(
        [pl.lit(None, polars_type(c)).alias(c.name) for c in absent]
        + [pl.lit(True).alias(TYPE_ERROR_PREFIX + c.name) for c in absent if c.kind in POLARS_TYPES]
    )


def typed_rows(text: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame:
    """A file's rows typed (`parse`, then `complete_columns`), with their submission and line."""
    typed = complete_columns(parse(text, dataset), dataset)
    return typed.with_columns(text.select("_submission_id", "_line"))

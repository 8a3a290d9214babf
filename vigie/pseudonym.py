"""Keyed pseudonymisation of patient identifiers (HMAC-SHA-256), applied at ingestion."""

import hashlib
import hmac

import polars as pl

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits, no practical collision at national scale


def pseudonym(key: bytes, source_id: str, patient_id: str) -> str:
    """The same patient of the same source always gets the same pseudonym; labs number patients on their own."""
    message = f"{source_id}\x1f{patient_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:PSEUDONYM_LENGTH]


def pseudonymise(frame: pl.DataFrame, key: bytes, source_column: str, patient_column: str = "patient_id") -> pl.DataFrame:
    """Replaces the patient column by its pseudonym; hashes each distinct (source, patient) pair once."""
    pairs = frame.select(source_column, patient_column).unique().drop_nulls(patient_column)
    hashed = pairs.with_columns(
        pl.Series(
            "_pseudonym",
            [pseudonym(key, s or "", pid) for s, pid in pairs.iter_rows()],
            dtype=pl.String,
        )
    )
    return (
        frame.join(hashed, on=[source_column, patient_column], how="left", nulls_equal=True, maintain_order="left")
        .with_columns(pl.col("_pseudonym").alias(patient_column))
        .drop("_pseudonym")
    )

"""Keyed pseudonymisation of patient identifiers (HMAC-SHA-256), applied at ingestion."""

import hashlib
import hmac

import polars as pl

from vigie.settings import NEW_KEY_HINT, PseudonymKeyError

PSEUDONYM_LENGTH = 32  # hex characters: 128 bits, no practical collision at national scale
FINGERPRINT_LABEL = b"vigie pseudonym key fingerprint"


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


def fingerprint(key: bytes) -> str:
    """Tells keys apart without revealing them: an HMAC of a fixed label under the key."""
    return hmac.new(key, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()


def check_key(con, key: bytes) -> None:
    """Records the key's fingerprint with the warehouse at its first ingestion, and refuses any other key after:
    under another key the same patients would get other pseudonyms, and be counted twice."""
    stored = con.execute("SELECT fingerprint FROM raw.pseudonym_key").fetchall()
    if not stored:
        con.execute("INSERT INTO raw.pseudonym_key VALUES (?, now())", [fingerprint(key)])
    elif stored[0][0] != fingerprint(key):
        raise PseudonymKeyError(
            "VIGIE_PSEUDONYM_KEY is not the key this warehouse was pseudonymised with (its fingerprint is in "
            "raw.pseudonym_key): set VIGIE_PSEUDONYM_KEY back to that key. To change keys, build a new warehouse "
            f"(another VIGIE_DATA_DIR) from the archived files with the new key ({NEW_KEY_HINT}).")

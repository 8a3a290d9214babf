"""A large CSV or Parquet file is read a piece at a time and validated in parts (vigie/parts.py), with the findings,
the loaded rows and the keys of a file read at once: every test runs both ways, on sizes shrunk so that a file of
some hundred rows takes several pieces and parts, and with the answers worked out by hand from the file."""

import datetime as dt
import io

import polars as pl
import pytest

from quality.quoting import MASK

ANTIBIOTICS = ("AMX", "CTX", "CIP")
N_ISOLATES = 300  # 900 result rows: lines 2 to 901


def _results(n_isolates: int = N_ISOLATES) -> pl.DataFrame:
    """A laboratory's results of 2024: isolate I{n} of patient P{n}, three antibiotics each, in file order."""
    rows = [
        {"source_id": "310781406", "setting": "HOSP", "isolate_id": f"I{n}", "patient_id": f"P{n}", "sex": "F",
         "age": "67", "sample_date": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}", "specimen": "BLOOD", "sector": "MED",
         "department": None, "organism": "ESCCOL", "antibiotic": antibiotic, "sir": "S", "mic": None, "esbl": "NEG",
         "carbapenemase": "NEG"}
        for n in range(n_isolates) for antibiotic in ANTIBIOTICS
    ]
    return pl.DataFrame(rows)


def _line(isolate: int, antibiotic: str) -> int:
    """The line of a result in `_results()` as written (header on line 1)."""
    return 2 + 3 * isolate + ANTIBIOTICS.index(antibiotic)


def _bytes(frame: pl.DataFrame, fmt: str) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, separator=";") if fmt == "csv" else frame.write_parquet(buffer)
    return buffer.getvalue()


def _set(frame: pl.DataFrame, line: int, **cells) -> pl.DataFrame:
    row = pl.int_range(pl.len()) == line - 2
    return frame.with_columns(pl.when(row).then(pl.lit(value)).otherwise(pl.col(name)).alias(name)
                              for name, value in cells.items())


@pytest.fixture(params=["at once", "in parts"])
def reading(request, monkeypatch):
    """Sizes shrunk; "in parts": every file of over 100 rows is read in pieces of 170 rows, into parts of about 200
    rows; "at once": the same file read whole. Yields the number of parts holding rows of each file split."""
    from vigie import parts

    monkeypatch.setattr("vigie.reading.PIECE_ROWS", 170)
    monkeypatch.setattr("vigie.parts.PART_ROWS", 200)
    monkeypatch.setattr("vigie.ingest.STREAM_ROWS", 100 if request.param == "in parts" else 10**9)
    splits = []
    real_split = parts.split

    def split(*args):
        result = real_split(*args)
        splits.append(sum(1 for part in result.pieces if part))
        return result

    monkeypatch.setattr(parts, "split", split)
    yield splits if request.param == "in parts" else None


def _split_in(reading, count: int) -> bool:
    return reading is None or reading == [count]


def _findings(sub) -> dict[str, tuple[int, list[int], list[str]]]:
    return {f.rule_id: (f.n_failing, f.lines, f.values) for f in sub.findings}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_large_file_with_warnings_loads_the_same_rows_either_way(fmt, reading, land, ingest, query):
    results = _results()
    # Isolate 5's last result, far below its others: ESBL positive there alone (a warning across parts).
    moved = _line(5, "CIP")
    results = _set(results, moved, esbl="POS")
    results = pl.concat([results.filter(pl.int_range(pl.len()) != moved - 2),
                         results.filter(pl.int_range(pl.len()) == moved - 2)])
    # Isolates 290 to 299 (the last 30 lines but the moved one) sampled in 2023: 30 of 900 rows, a dating spill.
    spill = pl.col("isolate_id").is_in([f"I{n}" for n in range(290, 300)])
    results = results.with_columns(pl.when(spill).then(pl.lit("2023-12-30")).otherwise("sample_date").alias("sample_date"))
    land("isolates", _bytes(results, fmt), name=f"resultats.{fmt}")

    [sub] = ingest("isolates").submissions

    assert sub.status == "accepted_with_warnings" and sub.n_rows == 900 and sub.sender == "310781406"
    found = _findings(sub)
    assert set(found) == {"dating_spill", "isolate_consistent.esbl"}
    # The moved row left line 19 for line 901: isolates 290 to 299, once lines 872 to 901, are now 871 to 900.
    assert found["dating_spill"][:2] == (30, list(range(871, 901)))
    assert found["isolate_consistent.esbl"][:2] == (3, [17, 18, 901])  # isolate 5: AMX, CTX, and its CIP moved
    assert query("SELECT count(*), count(DISTINCT patient_id), min(sample_date) FROM raw.isolates") == \
        [(870, 290, dt.date(2024, 1, 1))]
    assert query("SELECT key_value, n_rows, superseded_by FROM raw.submission_keys") == [("310781406|2024", 870, None)]
    assert query("SELECT esbl, count(*) FROM raw.isolates WHERE isolate_id = 'I5' GROUP BY ALL ORDER BY 1") == \
        [("NEG", 2), ("POS", 1)]
    assert _split_in(reading, 5)


def test_a_large_file_is_rejected_for_duplicates_and_conflicts_across_its_parts(reading, land, ingest, query):
    results = _results()
    duplicate = _results().filter(pl.int_range(pl.len()) == _line(3, "AMX") - 2)
    results = pl.concat([results, duplicate])  # line 902 repeats line 11
    results = _set(results, _line(250, "CTX"), organism="KLEPNE")  # isolate 250 is E. coli on its other lines
    results = _set(results, _line(100, "AMX"), age="soixante")
    land("isolates", _bytes(results, "csv"), name="resultats.csv")

    [sub] = ingest("isolates").submissions

    assert sub.status == "rejected"
    found = _findings(sub)
    assert found["unique_rows"][:2] == (2, [11, 902])
    assert found["isolate_consistent.organism"][:2] == (3, [752, 753, 754])
    assert found["isolate_consistent.organism"][2] == ["ESCCOL / I250", "KLEPNE / I250", "ESCCOL / I250"]
    assert found["age.type"] == (1, [302], [MASK])  # text in a number column may be an identifier
    assert query("SELECT count(*) FROM raw.isolates") == [(0,)]
    assert query("SELECT status, n_rows, n_critical FROM raw.submissions") == [("rejected", 901, 6)]
    assert _split_in(reading, 5)


def test_a_large_csv_broken_far_down_is_answered_with_its_line(reading, land, ingest, query):
    text = _bytes(_results(), "csv").decode().splitlines()
    text[700] += ";en trop"  # line 701
    land("isolates", "\n".join(text) + "\n", name="resultats.csv")

    [sub] = ingest("isolates").submissions

    [finding] = sub.findings
    assert sub.status == "rejected" and finding.rule_id == "file.readable"
    assert "la ligne 701 a 17 champs alors que l'en-tête en a 16" in finding.message
    assert query("SELECT count(*) FROM raw.isolates") == [(0,)]

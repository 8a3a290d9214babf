"""Patient identifiers are pseudonymised at ingestion and never stored or published in clear."""

import json

import duckdb
import polars as pl
import pytest

from fixtures import VALID, with_cell
from quality.quoting import MASK, quote, quoted, without_cells
from vigie.protocol import DATASETS
from vigie.pseudonym import pseudonym

CLEAR = "PAT-CLAIR"
# An IPP, a NIR, a birth name and a composite hospital identifier.
IDENTIFIERS = ("8812345678", "1850775123456", "DUPONTEL", "IPP-ZX9912")


def test_pseudonym_is_keyed_and_per_source():
    assert pseudonym(b"k1", "LAB1", "42") == pseudonym(b"k1", "LAB1", "42")
    assert pseudonym(b"k1", "LAB1", "42") != pseudonym(b"k1", "LAB2", "42"), "labs number patients on their own"
    assert pseudonym(b"k1", "LAB1", "42") != pseudonym(b"k2", "LAB1", "42"), "the key matters"
    assert pseudonym(b"k1", "LAB1", "4|2") != pseudonym(b"k1", "LAB14", "2")
    assert len(pseudonym(b"k1", "LAB1", "42")) == 32


# (dataset, column, value): cells a sender needs to see, in shapes no patient identifier or name has.
QUOTED = [
    ("isolates", "age", "121"), ("isolates", "age", "-3"), ("isolates", "age", "NA"),
    ("spares_consumption", "quantity", "1 500,5"), ("isolates", "mic", "<=0.5"),
    ("isolates", "sample_date", "2024-13-01"), ("isolates", "sample_date", "31/02/2024"),
    ("isolates", "specimen", "urine"), ("isolates", "sector", "MED"), ("isolates", "antibiotic", "AMOX"),
    ("isolates", "antibiotic", "Staphylococcus aureus"),  # an organism shifted into the next column
    ("isolates", "organism", "KLEPNE"), ("isolates", "organism", "Escherichia colli"), ("isolates", "organism", "E. coli"),
    ("isolates", "source_id", "LAB00001"), ("isolates", "source_id", "310781406"), ("establishments", "finess", "2A0000123"),
    ("spares_consumption", "atc_code", "J01CA04"), ("signalements", "criteria", "1A|5"), ("icsha", "activity", "XX"),
]
# Cells that could identify a patient: masked.
MASKED = [
    ("isolates", "patient_id", "12"),  # a patient column, whatever the shape
    ("isolates", "age", "ROUX"), ("spiadi_bacteremia", "sample_date", "Marie"),  # a name where a number or date goes
    ("isolates", "organism", "Dupont marie"),  # a genus the protocol does not know
    ("isolates", "isolate_id", "06 12 34 56 78"), ("spares_activity", "patient_days", "1234567"),
    ("establishments", "finess", "310781407"),  # not a valid FINESS: maybe a 9-digit IPP
    ("isolates", "sector", "MARTIN"), ("signalements", "criteria", "1A|DUPONTEL"),
]


@pytest.mark.parametrize("dataset,column,value", QUOTED, ids=[f"{c[1]}-{c[2]}" for c in QUOTED])
def test_a_cell_of_a_shape_no_identifier_has_is_quoted(dataset, column, value):
    assert quote(value, DATASETS[dataset], column) == value


@pytest.mark.parametrize("dataset,column,value", MASKED, ids=[f"{c[1]}-{c[2]}" for c in MASKED])
def test_a_cell_that_could_identify_a_patient_is_masked(dataset, column, value):
    assert quote(value, DATASETS[dataset], column) == MASK


@pytest.mark.parametrize("dataset", ["isolates", "spiadi_bacteremia", "spicmi_procedures", "establishments"])
def test_every_identifier_is_masked_in_every_column(dataset):
    for column in DATASETS[dataset].column_names:
        cells = quoted(pl.Series(column, [*IDENTIFIERS, None]), DATASETS[dataset], column)
        assert cells.to_list() == [MASK] * len(IDENTIFIERS) + [None], column


def test_a_library_message_loses_the_cells_it_quotes():
    message = 'could not parse `"DUPONTEL;8812345678\n` as dtype `str`\nField `"DUPONTEL;8812345678\n'
    assert identifiers_in(without_cells(message)) == set()
    assert without_cells(message).startswith("could not parse `(masqué)` as dtype")


def test_no_clear_identifier_in_any_table_or_output(land, ingest, settings):
    for dataset in ("isolates", "spiadi_bacteremia", "spicmi_procedures"):
        land(dataset, VALID[dataset])
        land(dataset, with_cell(dataset, 0, "patient_id", ""))  # rejected: the finding must not leak either
        ingest(dataset)
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    tables = con.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    assert len(tables) >= 15
    for schema, table in tables:
        hits = con.sql(f'SELECT count(*) FROM "{schema}"."{table}" t WHERE t::VARCHAR LIKE \'%{CLEAR}%\'').fetchall()
        assert hits == [(0,)], f"{schema}.{table} holds a clear patient identifier"
    assert con.sql("SELECT count(DISTINCT patient_id) FROM raw.isolates").fetchall() == [(3,)]
    con.close()
    outputs = [p for p in settings.outputs_dir.rglob("*") if p.is_file()]
    assert outputs
    for path in outputs:
        assert CLEAR not in path.read_text(encoding="utf-8"), path


def test_same_patient_same_pseudonym_across_submissions(land, ingest, settings):
    land("isolates", VALID["isolates"])
    ingest("isolates")
    land("isolates", VALID["isolates"].replace("I1;", "I9;").replace("2024-03-05", "2024-09-05"))
    ingest("isolates")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    distinct = con.sql("SELECT count(DISTINCT patient_id) FROM raw.isolates WHERE isolate_id IN ('I1', 'I9')").fetchall()
    con.close()
    assert distinct == [(1,)]

PLANTED = ("isolates", "spiadi_bacteremia")  # a laboratory file and a hospital file, both with a patient column


def shifted(dataset: str, position: int) -> str:
    """The valid fixture with an identifier pushed into every row at `position`: the cells after it shift right and
    the last one falls off, as when an extraction gains a column that its header does not name."""
    header, *rows = VALID[dataset].strip().split("\n")
    cells = [row.split(";") for row in rows]
    planted = [c[:position] + [IDENTIFIERS[i % len(IDENTIFIERS)]] + c[position:-1] for i, c in enumerate(cells)]
    return "\n".join([header, *(";".join(c) for c in planted)]) + "\n"


def land_planted(land) -> None:
    for dataset in PLANTED:
        for position in range(len(VALID[dataset].split("\n")[0].split(";"))):
            land(dataset, shifted(dataset, position), name=f"decale_{position:02d}.csv")


def identifiers_in(text: str) -> set[str]:
    return {identifier for identifier in IDENTIFIERS if identifier in text}


def warehouse_text(settings) -> str:
    """Every row of every table of the warehouse, cast to text."""
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    tables = con.sql("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    text = "\n".join(str(con.sql(f'SELECT t::VARCHAR FROM "{schema}"."{table}" t').fetchall()) for schema, table in tables)
    con.close()
    return text


def folder_text(folder) -> str:
    """The names and contents of every file under `folder`."""
    files = [path for path in folder.rglob("*") if path.is_file()]
    return "\n".join(f"{path}\n{path.read_bytes().decode('utf-8', 'replace')}" for path in files)


def test_identifiers_planted_in_every_column_reach_neither_the_warehouse_nor_the_receipts(land, ingest, settings, query):
    land_planted(land)
    subs = [sub for dataset in PLANTED for sub in ingest(dataset).submissions]
    assert len(subs) == 16 + 10 and all(sub.status == "rejected" for sub in subs), "the shift breaks every file"
    assert all(any(f.lines for f in sub.findings) for sub in subs), "masked or not, the lines are given"
    assert identifiers_in(warehouse_text(settings)) == set()
    assert identifiers_in(folder_text(settings.outputs_dir)) == set()
    assert identifiers_in(folder_text(settings.quarantine_dir)) == set(IDENTIFIERS), "the files are kept as sent"
    assert "(masqué)" in folder_text(settings.receipts_dir)


def test_extra_columns_are_named_in_the_receipt_and_never_stored(land, ingest, settings, query):
    lines = VALID["isolates"].strip().split("\n")
    extra = [lines[0] + ";ipp;nom_naissance"]
    extra += [f"{line};{IDENTIFIERS[0]}{i};{IDENTIFIERS[2]}" for i, line in enumerate(lines[1:])]
    land("isolates", "\n".join(extra) + "\n")
    [sub] = ingest("isolates").submissions
    assert sub.status == "accepted" and sub.extra_columns == ["ipp", "nom_naissance"]
    receipt = next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8")
    assert "ipp" in receipt and "nom_naissance" in receipt
    assert query("SELECT extra_columns FROM raw.submissions") == [(["ipp", "nom_naissance"],)]
    assert identifiers_in(warehouse_text(settings)) == set()
    assert identifiers_in(folder_text(settings.outputs_dir)) == set()
    assert identifiers_in(folder_text(settings.archive_dir)) == {IDENTIFIERS[0], IDENTIFIERS[2]}


def test_identifiers_planted_in_every_column_stay_out_of_the_dagster_event_log(land, settings):
    import dagster as dg

    from assets.ingestion import build_ingestion_asset
    from orchestration.resources import VigieResource

    land_planted(land)
    land("isolates", f'{VALID["isolates"].split(chr(10))[0]}\n"{IDENTIFIERS[2]};{IDENTIFIERS[0]}\n', name="casse.csv")
    with dg.instance_for_test() as instance:
        result = dg.materialize([build_ingestion_asset(DATASETS[d]) for d in PLANTED], instance=instance,
                                resources={"vigie": VigieResource(data_dir=str(settings.data_dir))})
        logged = "\n".join(json.dumps(json.loads(dg.serialize_value(entry)), ensure_ascii=False)
                           for entry in instance.all_logs(result.run_id))
    assert result.success
    checks = {(c.asset_key.path[0], c.check_name): c for c in result.get_asset_check_evaluations()}
    assert checks[("raw_isolates", "files_conform")].metadata["rejected_files"].value == 17
    assert "files_conform" in logged and "unreadable" in logged and "(masqué)" in logged
    assert identifiers_in(logged) == set()
    assert identifiers_in(folder_text(settings.quarantine_dir)) == set(IDENTIFIERS)


@pytest.fixture
def outside_the_demo(monkeypatch, tmp_path):
    """An operator's environment: a data directory, and the key it sets (None: not set)."""
    from vigie.settings import load_settings

    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("VIGIE_ENV", raising=False)

    def _settings(key: str | None):
        if key is None:
            monkeypatch.delenv("VIGIE_PSEUDONYM_KEY", raising=False)
        else:
            monkeypatch.setenv("VIGIE_PSEUDONYM_KEY", key)
        return load_settings()

    return _settings


def _ingest_isolates(settings, content=VALID["isolates"]):
    from vigie.ingest import ingest_dataset

    folder = settings.landing_dir / "isolates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"file_{len(list(folder.iterdir()))}.csv").write_text(content, encoding="utf-8")
    return ingest_dataset("isolates", settings)


def test_ingestion_refuses_to_run_without_a_key(outside_the_demo):
    from vigie.settings import PseudonymKeyError

    settings = outside_the_demo(None)
    with pytest.raises(PseudonymKeyError, match="VIGIE_PSEUDONYM_KEY is not set"):
        _ingest_isolates(settings)
    assert list((settings.landing_dir / "isolates").iterdir()), "the file waits for a key"
    assert not settings.warehouse_path.exists()


def test_the_demo_key_is_for_the_demo_alone(outside_the_demo, monkeypatch):
    from vigie.settings import DEMO_PSEUDONYM_KEY, PseudonymKeyError, load_settings

    with pytest.raises(PseudonymKeyError, match="public demo key"):
        _ingest_isolates(outside_the_demo(DEMO_PSEUDONYM_KEY))
    assert load_settings(demo=True).ingestion_key() == DEMO_PSEUDONYM_KEY.encode()
    monkeypatch.setenv("VIGIE_ENV", "demo")
    monkeypatch.setenv("VIGIE_PSEUDONYM_KEY", "an operator's key")
    assert load_settings().ingestion_key() == DEMO_PSEUDONYM_KEY.encode(), "the demo never uses a real key"


def test_a_changed_key_is_refused_and_the_same_key_accepted_across_runs(outside_the_demo):
    from vigie.settings import PseudonymKeyError

    assert _ingest_isolates(outside_the_demo("first-secret-key")).rows_loaded == 6
    second = VALID["isolates"].replace("I1;", "I9;").replace("2024-03-05", "2024-09-05")
    assert _ingest_isolates(outside_the_demo("first-secret-key"), second).rows_loaded == 6
    settings = outside_the_demo("another-secret-key")
    with pytest.raises(PseudonymKeyError, match="raw.pseudonym_key"):
        _ingest_isolates(settings, second.replace("I2;", "I8;"))
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert con.sql("SELECT count(*), count(DISTINCT patient_id) FROM raw.isolates").fetchall() == [(12, 3)]
    assert con.sql("SELECT count(*) FROM raw.pseudonym_key").fetchall() == [(1,)]
    con.close()


def test_the_stored_fingerprint_does_not_reveal_the_key(outside_the_demo):
    from vigie.pseudonym import fingerprint

    key = "first-secret-key"
    _ingest_isolates(outside_the_demo(key))
    con = duckdb.connect(str(outside_the_demo(key).warehouse_path), read_only=True)
    [(stored,)] = con.sql("SELECT fingerprint FROM raw.pseudonym_key").fetchall()
    con.close()
    assert stored == fingerprint(key.encode()) != fingerprint(b"another-secret-key")
    assert key not in stored and key.encode().hex() not in stored and len(stored) == 64


def test_vigie_run_says_why_it_refuses_the_key(outside_the_demo, capsys):
    from vigie.cli import main

    outside_the_demo(None)
    assert main(["run"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("vigie run: VIGIE_PSEUDONYM_KEY is not set") and "Traceback" not in error

"""The demo generator: deterministic, every dataset, the deliberate faults, and its output ingests."""

import hashlib

import pytest

from vigie.demo.generate import generate
from vigie.protocol import DATASETS


def _digest(folder) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "landing"
    return out, generate(out, "small", [2025], seed=7, progress=lambda _: None)


def test_every_dataset_in_every_shape(generated):
    out, summary = generated
    assert set(summary.files) == set(DATASETS)
    suffixes = {p.suffix for p in out.rglob("*") if p.is_file()}
    assert suffixes == {".csv", ".xlsx", ".parquet"}
    raw = b"".join(p.read_bytes() for p in out.rglob("*.csv"))
    assert b"\xef\xbb\xbf" in raw, "some files carry a UTF-8 BOM"
    texts = [p.read_bytes() for p in out.rglob("*.csv")]
    assert any(b";" in t.split(b"\n")[0] for t in texts) and any(b";" not in t.split(b"\n")[0] for t in texts)
    assert any(b"/2025;" in t or b"/2025," in t for t in texts), "some dates are French"


def test_same_seed_same_bytes(generated, tmp_path):
    out, _ = generated
    again = tmp_path / "landing"
    generate(again, "small", [2025], seed=7, progress=lambda _: None)
    assert _digest(again) == _digest(out)


def test_faults_are_written_and_listed(generated):
    out, summary = generated
    assert len(summary.faults) >= 8
    for fault in summary.faults:
        assert (out / fault.dataset / fault.file_name).exists()
    assert (out / "establishments" / "copie_extraction_finess.csv").exists()


def test_generated_files_ingest_as_announced(generated, settings, tmp_path):
    import shutil

    from vigie.ingest import ingest_dataset

    out, summary = generated
    shutil.copytree(out, settings.landing_dir, dirs_exist_ok=True)
    outcomes = {}
    for dataset in DATASETS:
        for sub in ingest_dataset(dataset, settings).submissions:
            outcomes[sub.file.name] = sub.status
    expected_bad = {f.file_name: ("accepted_with_warnings" if "avertissement" in f.expected else "rejected")
                    for f in summary.faults}
    assert {name: outcomes[name] for name in expected_bad} == expected_bad
    good = [status for name, status in outcomes.items() if name not in expected_bad]
    assert set(good) == {"accepted", "duplicate"} and good.count("duplicate") == 1


def test_a_late_correction_with_a_dating_spill_keeps_the_next_year(tmp_path, settings):
    import shutil

    from vigie.ingest import ingest_dataset

    out = tmp_path / "two_years"
    generate(out, "small", [2024, 2025], seed=7, progress=lambda _: None)
    files = sorted((out / "isolates").glob("resultats_LAB00001_*"))
    assert [f.stem for f in files] == ["resultats_LAB00001_2024", "resultats_LAB00001_2024_corrige",
                                       "resultats_LAB00001_2025"]
    (settings.landing_dir / "isolates").mkdir()
    for file in files:
        shutil.copy2(file, settings.landing_dir / "isolates")
    statuses = {s.file.path.stem: (s.status, {f.rule_id for f in s.findings})
                for s in ingest_dataset("isolates", settings).submissions}
    assert statuses["resultats_LAB00001_2024_corrige"] == ("accepted_with_warnings", {"dating_spill"})
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    current = dict(con.sql("""SELECT s.file_name, k.key_value FROM raw.submission_keys k JOIN raw.submissions s
        USING (submission_id) WHERE k.superseded_by IS NULL""").fetchall())
    con.close()
    assert current == {"resultats_LAB00001_2024_corrige.csv": "LAB00001|2024", "resultats_LAB00001_2025.csv": "LAB00001|2025"}

"""Killed at any point, run again, identical: a process killed with SIGKILL at a named point (vigie/crash_points.py)
while ingesting or publishing, then run again, leaves exactly what a clean run leaves: the same warehouse rows, every
landed file once in archive/ or quarantine/ with its receipt, no half-written output."""

import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from fixtures import VALID, with_cell
from vigie.settings import PROJECT_ROOT

TEST_KEY = "test-key-0123456789abcdef"
INGEST_ALL = "from vigie import protocol; from vigie.ingest import ingest_dataset; from vigie.settings import " \
             "load_settings; [ingest_dataset(d, load_settings()) for d in protocol.DATASETS]"
BOOKKEEPING = {  # what does not depend on when or where the run happened
    "raw.submissions": "submission_id, dataset, file_name, sender, ingest_seq, status, n_rows, n_critical, n_warnings",
    "raw.submission_keys": "*", "raw.receipts": "submission_id, dataset, file_name, outcome",
    "quality.validation_results": "submission_id, rule_id, column_name, n_failing, lines, sample_values",
}


def _land(data_dir: Path) -> int:
    files = {(d, "extraction.csv"): text for d, text in VALID.items()}
    files[("spares_activity", "secteur_inconnu.csv")] = with_cell("spares_activity", 0, "sector", "URG")
    files[("isolates", "copie.csv")] = VALID["isolates"]  # the same bytes twice: ingested once
    for i, ((dataset, name), text) in enumerate(sorted(files.items())):
        path = data_dir / "landing" / dataset / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
    return len(files)


def _env(data_dir: Path, crash_at: str | None = None) -> dict:
    env = {**os.environ, "VIGIE_DATA_DIR": str(data_dir), "VIGIE_PSEUDONYM_KEY": TEST_KEY,
           "PYTHONPATH": str(PROJECT_ROOT)}
    env.pop("VIGIE_CRASH_AT", None)
    if crash_at:
        env["VIGIE_CRASH_AT"] = crash_at
    return env


def _run(code: str, data_dir: Path, crash_at: str | None = None) -> int:
    return subprocess.run([sys.executable, "-c", code], env=_env(data_dir, crash_at), cwd=PROJECT_ROOT,
                          timeout=600).returncode


def _run_on_a_full_disk(code: str, data_dir: Path, file_bytes: int) -> subprocess.CompletedProcess:
    """No file may grow past `file_bytes`: a write beyond fails with EFBIG, as one on a full disk with ENOSPC."""
    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of the process being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))

    return subprocess.run([sys.executable, "-c", code], env=_env(data_dir), cwd=PROJECT_ROOT, timeout=600,
                          preexec_fn=full_disk, capture_output=True, text=True)


def _warehouse(data_dir: Path) -> dict:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        raw = [t for (t,) in con.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw'"
                                     " AND table_name NOT IN ('submissions', 'submission_keys', 'receipts', "
                                     "'pending_receipts', 'pseudonym_key')").fetchall()]
        tables = {f"raw.{t}": "*" for t in raw} | BOOKKEEPING
        return {t: sorted(map(str, con.sql(f"SELECT {columns} FROM {t}").fetchall())) for t, columns in tables.items()}
    finally:
        con.close()


def _files(data_dir: Path, folder: str) -> list[str]:
    return sorted(str(p.relative_to(data_dir / folder)) for p in (data_dir / folder).rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("clean") / "data"
    n_files = _land(data_dir)
    assert _run(INGEST_ALL, data_dir) == 0
    return {"dir": data_dir, "files": n_files, "warehouse": _warehouse(data_dir)}


@pytest.mark.parametrize("point", ["reading", "after_chunk_insert", "after_file_moved"])
def test_ingestion_killed_then_run_again_equals_a_clean_run(point, clean, tmp_path):
    data_dir = tmp_path / "data"
    _land(data_dir)
    assert _run(INGEST_ALL, data_dir, crash_at=point) == -9, "killed at the point"
    assert _run(INGEST_ALL, data_dir) == 0
    assert _warehouse(data_dir) == clean["warehouse"]
    assert _files(data_dir, "landing") == []
    stored = _files(data_dir, "archive") + _files(data_dir, "quarantine")
    assert len([f for f in stored if f.endswith(".csv")]) == clean["files"], "every landed file exactly once"
    assert _files(data_dir, "archive") == _files(clean["dir"], "archive")
    assert _files(data_dir, "quarantine") == _files(clean["dir"], "quarantine")
    assert [p.name for p in data_dir.rglob("*.partial")] == []
    receipts = [p for p in (data_dir / "outputs" / "receipts").rglob("*.html")]
    assert sorted(p.name for p in receipts) == \
        sorted(p.name for p in (clean["dir"] / "outputs" / "receipts").rglob("*.html"))


def test_a_publication_killed_before_its_swap_leaves_the_previous_version_whole(tmp_path):
    link = tmp_path / "reports" / "310781406" / "2024"
    publish = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from vigie.publish import publish
        publish(Path({str(link)!r}), {{"a.html": sys.argv[1].encode(), "a.pdf": sys.argv[1].encode()}}, sys.argv[1])
    """)

    def run(version, crash_at=None):
        return _run(f"import sys; sys.argv = ['', {version!r}]\n{publish}", tmp_path, crash_at)

    assert run("one") == 0
    assert run("two", crash_at="report_written_not_swapped") == -9
    assert (link / "a.html").read_bytes() == (link / "a.pdf").read_bytes() == b"one", "the reader sees the old whole"
    assert run("two") == 0
    assert (link / "a.html").read_bytes() == (link / "a.pdf").read_bytes() == b"two"
    assert sorted(p.name for p in link.parent.iterdir()) == [".2024.two", "2024"], "nothing half-written is left"


CONSOLIDATE = textwrap.dedent("""
    import os
    import dagster as dg
    from orchestration.definitions import defs
    from vigie.runner import _execute, dagster_home
    from vigie.settings import load_settings
    settings = load_settings()
    os.environ["DAGSTER_HOME"] = str(settings.data_dir / "dagster_home")
    dagster_home(settings)
    with dg.DagsterInstance.get() as instance:
        raise SystemExit(0 if _execute(defs.resolve_job_def("ingest_and_consolidate"), instance) else 1)
""")


def _marts(data_dir: Path) -> dict:
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        tables = [t for (t,) in con.sql("SELECT table_name FROM information_schema.tables "
                                        "WHERE table_schema = 'marts' ORDER BY 1").fetchall()]
        return {t: sorted(map(str, con.sql(f"SELECT * FROM marts.{t}").fetchall())) for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory):
    """A clean consolidation (ingestion and dbt) of the landed files."""
    reference = tmp_path_factory.mktemp("consolidated") / "data"
    _land(reference)
    assert _run(CONSOLIDATE, reference) == 0
    return reference


def test_a_run_killed_during_dbt_then_run_again_builds_the_marts_of_a_clean_run(consolidated, tmp_path):
    """Killed once a model is built and others not: the next run frees the dead run's slot and rebuilds (the last
    complete build was not recorded), and the warehouse equals a clean consolidation's, marts included."""
    data_dir = tmp_path / "data"
    _land(data_dir)
    assert _run(CONSOLIDATE, data_dir, crash_at="during_dbt") == -9, "killed while dbt builds"
    assert _run(CONSOLIDATE, data_dir) == 0, "the next run goes on: the dead run's slot is freed, dbt rebuilds"
    marts = _marts(data_dir)
    assert any(marts.values()) and marts == _marts(consolidated)
    assert _warehouse(data_dir) == _warehouse(consolidated)


def test_a_run_failing_on_a_full_disk_is_followed_by_a_run_that_completes(consolidated, tmp_path):
    """The disk fills under Dagster's own storage (its SQLite run index reaches the size no file may pass): the run
    fails, it does not hang; once space is freed, the next run completes and leaves what a clean run leaves."""
    data_dir = tmp_path / "data"
    _land(data_dir)
    failed = _run_on_a_full_disk(CONSOLIDATE, data_dir, file_bytes=2_000_000)
    assert failed.returncode != 0 and "disk I/O error" in failed.stderr, failed.stderr[-2000:]
    assert _run(CONSOLIDATE, data_dir) == 0
    marts = _marts(data_dir)
    assert any(marts.values()) and marts == _marts(consolidated)
    assert _warehouse(data_dir) == _warehouse(consolidated)
    assert _files(data_dir, "landing") == [] and _files(data_dir, "archive") == _files(consolidated, "archive")
    assert _files(data_dir, "quarantine") == _files(consolidated, "quarantine")

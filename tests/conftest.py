import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

TEST_KEY = "test-key-0123456789abcdef"


@pytest.fixture
def settings(tmp_path, monkeypatch):
    from vigie.settings import load_settings

    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
    settings = load_settings()
    settings.ensure_dirs()
    return settings


@pytest.fixture
def land(settings):
    """Writes a file into landing/<dataset>/ and returns its path."""
    counter = {"n": 0}

    def _land(dataset: str, content, name: str | None = None, encoding: str = "utf-8") -> Path:
        counter["n"] += 1
        folder = settings.landing_dir / dataset
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"file_{counter['n']}.csv")
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        # Later files are received later, whatever the file system's clock resolution.
        stamp = 1_700_000_000 + counter["n"]
        os.utime(path, (stamp, stamp))
        return path

    return _land


@pytest.fixture
def ingest(settings):
    from vigie.ingest import ingest_dataset

    return lambda dataset: ingest_dataset(dataset, settings)


@pytest.fixture
def query(settings):
    import duckdb

    def _query(sql: str, params=None):
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    return _query

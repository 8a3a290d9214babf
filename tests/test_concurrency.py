"""A sensor's run, the night's scheduled runs and `vigie run`, started together on the same data: none fails on the
DuckDB lock, nothing is ingested, stored or published twice. They queue on the `warehouse` pool (one writer at a
time), readers wait for the writer, and one publisher at a time swaps a report."""

import csv
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb

from fixtures import ROWS, VALID
from vigie.settings import PROJECT_ROOT

TEST_KEY = "test-key-0123456789abcdef"
SCRIPT = Path(__file__).with_name("concurrent_run.py")
DUCKDB_LOCK = ("conflicting lock", "could not set lock", "in use by another process")


def _environment(data_dir: Path, home: Path) -> dict:
    return {**os.environ, "VIGIE_DATA_DIR": str(data_dir), "VIGIE_PSEUDONYM_KEY": TEST_KEY,
            "DAGSTER_HOME": str(home), "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), str(SCRIPT.parent)])}


def _sensor_request(env: dict) -> dg.RunRequest:
    """What landing_sensor asks for, evaluated before any run moves a file."""
    from orchestration.definitions import defs
    from orchestration.resources import build_resources

    sensor = defs.resolve_sensor_def("landing_sensor")
    with dg.build_sensor_context(resources=build_resources(data_dir=env["VIGIE_DATA_DIR"])) as context:
        request = sensor(context)
    assert isinstance(request, dg.RunRequest)
    return request


def test_a_sensor_run_a_scheduled_run_and_vigie_run_started_together(tmp_path):
    data_dir, home = tmp_path / "data", tmp_path / "dagster_home"
    for dataset, text in VALID.items():
        (data_dir / "landing" / dataset).mkdir(parents=True)
        (data_dir / "landing" / dataset / "extraction.csv").write_text(text, encoding="utf-8")
    env = _environment(data_dir, home)
    request = _sensor_request(env)

    commands = {
        "vigie run": [sys.executable, "-m", "vigie.cli", "run", "--year", "2024"],
        "sensor run": [sys.executable, str(SCRIPT), "sensor", *[k.to_user_string() for k in request.asset_selection]],
        "scheduled runs": [sys.executable, str(SCRIPT), "schedule", "2024"],
    }
    processes = {name: subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
                 for name, command in commands.items()}
    outputs = {name: process.communicate(timeout=900)[0] for name, process in processes.items()}
    for name, process in processes.items():
        failures = [line for line in outputs[name].splitlines() if "ÉCHEC" in line or "Error" in line]
        assert process.returncode == 0, f"{name} failed:\n" + "\n".join(failures[:30])
        met_lock = [line for line in outputs[name].splitlines() if any(sign in line.lower() for sign in DUCKDB_LOCK)]
        assert not met_lock, f"{name} met the DuckDB lock:\n" + "\n".join(met_lock[:10])

    assert not [p for p in (data_dir / "landing").rglob("*") if p.is_file()]
    stored = [p.name for folder in ("archive", "quarantine") for p in (data_dir / folder).rglob("*.csv")]
    assert len(stored) == len(VALID), "every landed file exactly once in archive or quarantine"
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        assert con.sql("SELECT count(*) FROM raw.submissions").fetchall() == [(len(VALID),)]
        assert con.sql("SELECT count(*) FROM raw.receipts").fetchall() == [(len(VALID),)]
        for dataset, rows in ROWS.items():
            assert con.sql(f"SELECT count(*), count(DISTINCT (_submission_id, _line)) FROM raw.{dataset}").fetchall() \
                == [(rows, rows)], dataset
    finally:
        con.close()
    with open(data_dir / "outputs" / "feedback_log.csv", encoding="utf-8") as handle:
        publications = Counter((r["participant_kind"], r["participant_id"], r["year"], r["version"])
                               for r in csv.DictReader(handle))
    assert publications and max(publications.values()) == 1, "each report version published once"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
        assert runs and all(r.status == dg.DagsterRunStatus.SUCCESS for r in runs)
        assert {"ingest_and_consolidate", "consolidation", "yearly_reports"} <= {r.job_name for r in runs}

"""The Dagster instance: SQLite in DAGSTER_HOME by default, PostgreSQL when DAGSTER_PG_HOST is set. The pipeline
runs against a real PostgreSQL server (tests/postgres_server.py) and its runs are found there."""

import dagster as dg
import psycopg2
import pytest
import yaml

from fixtures import VALID
from postgres_server import free_port, postgres_server
from vigie.instance import (MARKER, PG_VARIABLES, POSTGRES, SHARED_SETTINGS, SQLITE, InstanceStorageError,
                            instance_yaml, prepare)

TEST_KEY = "test-key-0123456789abcdef"
# The pipeline's ingestion, each dataset's asset and its checks (some 25 s): the dbt build would add some 80 s and
# nothing that the storage sees differently.
INGESTION = [dg.AssetKey(f"raw_{dataset}") for dataset in VALID]
ELSEWHERE = {"DAGSTER_PG_HOST": "db.example", "DAGSTER_PG_PORT": "5432", "DAGSTER_PG_USER": "dagster",
             "DAGSTER_PG_PASSWORD": "elsewhere", "DAGSTER_PG_DB": "vigie"}  # a server the selection never reaches


@pytest.fixture(scope="module")
def server():
    with postgres_server() as server:
        yield server


@pytest.fixture(autouse=True)
def no_postgres_settings(monkeypatch):
    """Each test says which storage it wants, whatever the shell running the tests has set."""
    for name in PG_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "data" / "dagster_home"
    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(home))  # restored afterwards, though Vigie sets it
    return home


def test_the_postgres_instance_is_dagster_yaml_and_a_storage_block():
    shared = yaml.safe_load(SHARED_SETTINGS.read_text(encoding="utf-8"))
    assert yaml.safe_load(instance_yaml(SQLITE)) == shared
    on_postgres = yaml.safe_load(instance_yaml(POSTGRES))
    assert on_postgres.pop("storage") == {"postgres": {"postgres_db": {
        "hostname": {"env": "DAGSTER_PG_HOST"}, "port": {"env": "DAGSTER_PG_PORT"},
        "username": {"env": "DAGSTER_PG_USER"}, "password": {"env": "DAGSTER_PG_PASSWORD"},
        "db_name": {"env": "DAGSTER_PG_DB"}, "scheme": "postgresql+psycopg2"}}}
    assert on_postgres == shared


def test_dagster_pg_host_selects_postgres(tmp_path):
    assert prepare(tmp_path / "sqlite", {}) == SQLITE
    assert "storage" not in yaml.safe_load((tmp_path / "sqlite" / "dagster.yaml").read_text(encoding="utf-8"))
    assert prepare(tmp_path / "postgres", ELSEWHERE) == POSTGRES
    assert (tmp_path / "postgres" / "dagster.yaml").read_text(encoding="utf-8") == instance_yaml(POSTGRES)
    assert (tmp_path / "postgres" / MARKER).read_text(encoding="utf-8").strip() == POSTGRES


def test_a_postgres_home_is_not_turned_back_to_sqlite(home, capsys):
    from vigie.cli import main

    prepare(home, ELSEWHERE)
    with pytest.raises(InstanceStorageError, match="DAGSTER_PG_HOST is not set"):
        prepare(home, {})
    assert main(["instance"]) == 2
    error = capsys.readouterr().err
    assert "holds a Dagster instance on PostgreSQL" in error and "would vanish" in error
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == instance_yaml(POSTGRES)


def test_a_sqlite_home_may_move_to_postgres(tmp_path):
    prepare(tmp_path, {})
    assert prepare(tmp_path, ELSEWHERE) == POSTGRES


def test_postgres_half_configured_is_refused(tmp_path):
    environ = {name: value for name, value in ELSEWHERE.items() if name != "DAGSTER_PG_DB"}
    with pytest.raises(InstanceStorageError, match="DAGSTER_PG_HOST is set but not DAGSTER_PG_DB"):
        prepare(tmp_path, environ)
    assert prepare(tmp_path, {**environ, "DAGSTER_PG_DB": "any", "DAGSTER_PG_PASSWORD": ""}) == POSTGRES


def test_bench_runs_stay_on_sqlite(tmp_path, monkeypatch):
    from vigie.bench.command import run_environment

    for name, value in ELSEWHERE.items():
        monkeypatch.setenv(name, value)
    environment = run_environment(tmp_path)
    assert not [name for name in environment if name.startswith("DAGSTER_PG_")]
    assert prepare(tmp_path / "dagster_home", environment) == SQLITE


def test_vigie_instance_on_sqlite(home, capsys):
    from vigie.cli import main

    assert main(["instance"]) == 0
    out = capsys.readouterr().out
    assert f"storage: SQLite, in {home}" in out and "reachable: 0 runs recorded" in out
    assert "at most 4 runs in progress at once; 1 slot(s) per pool" in out


def test_vigie_instance_on_postgres_never_shows_the_password(home, monkeypatch, server, capsys):
    from vigie.cli import main

    server.create_database("vigie_instance_command")
    for name, value in server.environment("vigie_instance_command").items():
        monkeypatch.setenv(name, value)
    assert main(["instance"]) == 0
    out = capsys.readouterr().out
    assert (f"storage: PostgreSQL, database vigie_instance_command on 127.0.0.1:{server.port} as vigie "
            "(password set, not shown)") in out
    assert "reachable: 0 runs recorded" in out and server.password not in out

    monkeypatch.setenv("DAGSTER_PG_PORT", str(free_port()))  # nothing listens there
    assert main(["instance"]) == 1
    said = capsys.readouterr()
    assert "not reachable: OperationalError" in said.err and "Connection refused" in said.err
    assert server.password not in said.out + said.err


@pytest.fixture(scope="module")
def pipeline_on_postgres(tmp_path_factory, server):
    """The ingestion of a valid file per dataset, run as `vigie run` runs its jobs, on an instance in PostgreSQL."""
    from orchestration.definitions import defs
    from vigie.runner import _execute, dagster_home
    from vigie.settings import load_settings

    data_dir = tmp_path_factory.mktemp("vigie") / "data"
    server.create_database("vigie_pipeline")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {**server.environment("vigie_pipeline"), "VIGIE_DATA_DIR": str(data_dir),
                            "VIGIE_PSEUDONYM_KEY": TEST_KEY, "DAGSTER_HOME": str(data_dir / "dagster_home")}.items():
            mp.setenv(name, value)
        settings = load_settings()
        settings.ensure_dirs()
        for dataset, text in VALID.items():
            (settings.landing_dir / dataset).mkdir(parents=True, exist_ok=True)
            (settings.landing_dir / dataset / "valid.csv").write_text(text, encoding="utf-8")
        home = dagster_home(settings)
        with dg.DagsterInstance.get() as instance:
            job = defs.resolve_job_def("ingest_and_consolidate")
            # The definitions' own resources, as the daemon's runs have them: VIGIE_DATA_DIR says where.
            success = _execute(job, instance, asset_selection=INGESTION)
            yield {"success": success, "instance": instance, "home": home, "url": server.url("vigie_pipeline")}


def _postgres_rows(url: str, sql: str) -> list[tuple]:
    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        connection.close()


def test_the_pipeline_runs_on_postgres(pipeline_on_postgres):
    from dagster_postgres import PostgresEventLogStorage, PostgresRunStorage, PostgresScheduleStorage

    instance = pipeline_on_postgres["instance"]
    assert pipeline_on_postgres["success"]
    assert isinstance(instance.run_storage, PostgresRunStorage)
    assert isinstance(instance.event_log_storage, PostgresEventLogStorage)
    assert isinstance(instance.schedule_storage, PostgresScheduleStorage)
    assert not (pipeline_on_postgres["home"] / "history").exists()  # no SQLite beside it


def test_its_runs_and_events_are_in_postgres(pipeline_on_postgres):
    url = pipeline_on_postgres["url"]
    [(job, status)] = _postgres_rows(url, "SELECT pipeline_name, status FROM runs")
    assert (job, status) == ("ingest_and_consolidate", "SUCCESS")
    materialized = {key for (key,) in _postgres_rows(
        url, "SELECT DISTINCT asset_key FROM event_logs WHERE dagster_event_type = 'ASSET_MATERIALIZATION'")}
    assert materialized == {f'["raw_{dataset}"]' for dataset in VALID}
    checks = _postgres_rows(url, "SELECT count(*) FROM event_logs WHERE dagster_event_type = 'ASSET_CHECK_EVALUATION'")
    assert checks == [(4 * len(VALID),)]  # files_conform, no_warnings, files_answered, current_data_integrity
    instance = pipeline_on_postgres["instance"]
    [run] = instance.get_runs()
    assert instance.get_records_for_run(run.run_id).records  # Dagster reads them back from PostgreSQL


def test_the_run_queue_and_pools_are_read_back(pipeline_on_postgres):
    from orchestration.warehouse_pool import POOL

    instance = pipeline_on_postgres["instance"]
    concurrency = instance.get_concurrency_config()
    assert concurrency.run_queue_config.max_concurrent_runs == 4
    assert concurrency.pool_config.default_pool_limit == 1
    # The warehouse's pool, used by the run, keeps its slots in PostgreSQL: one, free again.
    assert instance.event_log_storage.get_concurrency_info(POOL).slot_count == 1
    assert _postgres_rows(pipeline_on_postgres["url"], f"SELECT count(*) FROM concurrency_slots "
                                                      f"WHERE concurrency_key = '{POOL}' AND run_id IS NULL") == [(1,)]

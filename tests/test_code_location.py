"""A run that `vigie run` executes in its own process shows in the UI under its job, with its code location, and the
UI can re-execute it (Dagster records an in-process run without an origin: dagster-io/dagster#19458)."""

import time

import dagster as dg
from dagster._core.execution.plan.resume_retry import ReexecutionStrategy
from dagster._core.workspace.context import WorkspaceProcessContext
from dagster._core.workspace.load_target import WorkspaceFileTarget

from fixtures import VALID
from orchestration.code_location import WORKSPACE
from vigie.runner import _execute, dagster_home
from vigie.settings import load_settings

TEST_KEY = "test-key-0123456789abcdef"
RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "WARNING"}}, "progress": {}}}  # as vigie run's


def _wait_for(instance: dg.DagsterInstance, run_id: str, seconds: float = 180) -> dg.DagsterRun:
    deadline = time.monotonic() + seconds
    while not (run := instance.get_run_by_id(run_id)).is_finished:
        assert time.monotonic() < deadline, f"the re-executed run is still {run.status.value}"
        time.sleep(1)
    return run


def test_a_run_of_vigie_run_is_under_its_job_and_the_ui_re_executes_it(tmp_path, monkeypatch):
    from orchestration.definitions import defs

    monkeypatch.setenv("VIGIE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster_home"))
    settings = load_settings()
    dagster_home(settings)
    landing = settings.landing_dir / "establishments"
    landing.mkdir(parents=True)
    (landing / "registry.csv").write_text(VALID["establishments"], encoding="utf-8")
    raw_establishments = dg.AssetKey("raw_establishments")

    with dg.DagsterInstance.get() as instance:
        job = defs.resolve_job_def("ingest_and_consolidate")
        assert _execute(job, instance, run_config=RUN_CONFIG, asset_selection=[raw_establishments])
        (run,) = instance.get_runs()
        origin = run.remote_job_origin
        assert origin is not None and origin.location_name == "vigie" and origin.job_name == job.name

        with WorkspaceProcessContext(instance, WorkspaceFileTarget(paths=[str(WORKSPACE)])) as workspace:
            context = workspace.create_request_context()
            location = context.get_code_location(origin.location_name)  # as the UI finds it, by name
            remote_job = location.get_repository(origin.repository_origin.repository_name).get_full_job(run.job_name)
            rerun = instance.create_reexecuted_run(request_context=context, parent_run=run, code_location=location,
                                                   remote_job=remote_job, strategy=ReexecutionStrategy.ALL_STEPS)
            instance.launch_run(rerun.run_id, context)
            assert _wait_for(instance, rerun.run_id).status == dg.DagsterRunStatus.SUCCESS
        materialized = instance.fetch_materializations(raw_establishments, limit=10).records
        assert {record.run_id for record in materialized} == {run.run_id, rerun.run_id}

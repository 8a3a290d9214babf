"""Vigie's code location, as workspace.yaml declares it to the UI and the daemon. A run that `vigie run` executes in
its own process carries it, so that the UI lists the run under its job, names its code location, and re-executes it."""

import functools
from contextlib import contextmanager

import dagster as dg
from dagster._core.definitions.repository_definition.valid_definitions import SINGLETON_REPOSITORY_NAME
from dagster._core.remote_origin import RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.workspace.load import location_origins_from_yaml_paths

from vigie.settings import PROJECT_ROOT

WORKSPACE = PROJECT_ROOT / "workspace.yaml"


@functools.cache
def code_location_origin():
    (origin,) = location_origins_from_yaml_paths([str(WORKSPACE)])
    return origin


def job_origin(job_name: str) -> RemoteJobOrigin:
    """How the UI finds a job: its code location's name, its repository's name (Definitions have one), its name."""
    return RemoteJobOrigin(RemoteRepositoryOrigin(code_location_origin(), SINGLETON_REPOSITORY_NAME), job_name)


@contextmanager
def runs_carry_their_origin(instance: dg.DagsterInstance, job_name: str):
    """`execute_in_process` records its run without an origin, so that the UI can neither list it under its job nor
    re-execute it (dagster-io/dagster#19458); the run it creates meanwhile is given its job's origin."""
    create = instance.create_run_for_job
    instance.create_run_for_job = functools.partial(create, remote_job_origin=job_origin(job_name))
    try:
        yield
    finally:
        del instance.create_run_for_job

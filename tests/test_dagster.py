"""The Dagster definitions: what the UI shows, and the whole graph materialized in-process on temporary data."""

import dagster as dg
import duckdb
import pytest

from fixtures import ROWS, VALID, with_cell

TEST_KEY = "test-key-0123456789abcdef"


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory, defs):
    """Lands one valid file per dataset and one bad file, then runs the graph twice."""
    from orchestration.resources import build_resources
    from vigie.settings import load_settings

    data_dir = tmp_path_factory.mktemp("vigie") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VIGIE_DATA_DIR", str(data_dir))
        mp.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        settings = load_settings()
        settings.ensure_dirs()
        for dataset, text in VALID.items():
            (settings.landing_dir / dataset).mkdir(parents=True, exist_ok=True)
            (settings.landing_dir / dataset / "valid.csv").write_text(text, encoding="utf-8")
        (settings.landing_dir / "spares_activity" / "bad.csv").write_text(
            with_cell("spares_activity", 0, "sector", "URG"), encoding="utf-8")
        resources = build_resources(data_dir=str(data_dir))
        with dg.instance_for_test() as instance:
            job = defs.resolve_job_def("ingest_and_consolidate")
            first = job.execute_in_process(instance=instance, resources=resources)
            snapshot = _snapshot(settings.warehouse_path)
            second = job.execute_in_process(instance=instance, resources=resources)
            after_second = _snapshot(settings.warehouse_path)
            (settings.landing_dir / "spares_activity" / "bad_again.csv").write_text(
                with_cell("spares_activity", 1, "sector", "URG"), encoding="utf-8")
            only_rejected = job.execute_in_process(instance=instance, resources=resources)
            participation = defs.resolve_job_def("yearly_participation").execute_in_process(
                instance=instance, resources=resources, partition_key="2024")
            landed = _as_landing_sensor_runs(job, instance, settings)
            yield {"first": first, "second": second, "only_rejected": only_rejected, "after_second": after_second,
                   "participation": participation, "settings": settings,
                   "snapshot": snapshot, "resources": resources, **landed}


def _as_landing_sensor_runs(job, instance, settings) -> dict:
    """A corrected file then a rejected one, each run with what landing_sensor selects for them (and the resources
    of the definitions, which read the same environment: a subset of a job takes no others)."""
    from orchestration.sensors import landing_selection

    folder, runs = settings.landing_dir / "spares_activity", {}
    corrected = with_cell("spares_activity", 0, "patient_days", "10500")
    rejected = with_cell("spares_activity", 2, "sector", "URG")
    for run, name, text in (("landed_corrected", "corrected.csv", corrected),
                            ("landed_rejected", "bad_after_correction.csv", rejected)):
        (folder / name).write_text(text, encoding="utf-8")
        runs[run] = job.execute_in_process(instance=instance, asset_selection=landing_selection(["spares_activity"]))
    return runs


def _snapshot(path) -> dict:
    con = duckdb.connect(str(path), read_only=True)
    tables = con.sql("""SELECT table_schema || '.' || table_name FROM information_schema.tables
                        WHERE table_schema IN ('raw', 'staging', 'reference') AND table_name <> 'receipts'""").fetchall()
    result = {t: sorted(map(str, con.sql(f"SELECT * FROM {t}").fetchall())) for (t,) in tables}
    con.close()
    return result


def test_definitions_load_as_the_ui_loads_them(defs):
    dg.Definitions.validate_loadable(defs)


def test_ingestion_assets_carry_ui_metadata(defs):
    graph = defs.resolve_asset_graph()
    raw = [k for k in graph.get_all_asset_keys() if k.path[0].startswith("raw_")]
    assert len(raw) == 11
    for key in raw:
        node = graph.get(key)
        assert node.group_name in {"registry", "spares", "laboratories", "spiadi", "spicmi", "matis",
                                   "signalements", "primo"}
        assert node.description and node.owners and "duckdb" in node.kinds
        assert node.pools == {"warehouse"}
    checks = {k.name for k in graph.asset_check_keys if k.asset_key.path[0].startswith("raw_")}
    assert checks == {"files_conform", "no_warnings", "files_answered", "current_data_integrity"}
    integrity = defs.resolve_assets_def("raw_isolates").get_spec_for_check_key(
        dg.AssetCheckKey(dg.AssetKey("raw_isolates"), "current_data_integrity"))
    assert integrity.blocking
    assert defs.resolve_sensor_def("landing_sensor")
    calendar = {f"{name}{suffix}" for name in ("final_reports", "regional_restitution", "spf_transmission",
                                               "ecdc_export", "activity_report")
                for suffix in ("_schedule", "_deadline_schedule")}
    assert {s.name for s in defs.schedules} == {"nightly_consolidation", "nightly_reports_schedule",
                                                "nightly_regional_outputs_schedule", "weekly_participation_schedule",
                                                *calendar}


def test_every_asset_and_check_is_described_without_raw_sql(defs):
    graph = defs.resolve_asset_graph()
    undescribed = [k for k in graph.get_all_asset_keys() if not graph.get(k).description]
    assert undescribed == []
    assert [k for k in graph.get_all_asset_keys() if "Raw SQL" in graph.get(k).description] == []
    assert [k for k in graph.asset_check_keys if not graph.get_check_spec(k).description] == []
    for table in ("submissions", "submission_keys"):  # declared, not stubs made up from the dbt sources
        node = graph.get(dg.AssetKey(["raw", table]))
        assert node.group_name == "submissions" and node.owners and "ingestion asset" in node.description
        assert dg.AssetKey("raw_isolates") in node.parent_keys


def test_a_dbt_test_is_described_in_a_sentence():
    from orchestration.dbt_translator import describe_test

    def test(name, **kwargs):
        return {"name": "t", "description": "", "config": {"severity": "ERROR"},
                "test_metadata": {"name": name, "kwargs": kwargs}}

    assert describe_test(test("not_null", column_name="year")) == "`year` is never null. dbt test, severity error."
    assert describe_test(test("accepted_values", column_name="esbl", values=["POS", "NEG"])) == \
        "`esbl` only takes the values `POS`, `NEG`. dbt test, severity error."
    assert describe_test(test("relationships", column_name="organism_code", to="ref('organisms')",
                              field="organism_code")).startswith("Every `organism_code` exists in `organism_code` of `organisms`.")
    assert describe_test(test("unique_combination", columns=["finess", "year"])).startswith(
        "One row per combination of `finess`, `year`.")
    assert describe_test({"name": "t", "description": "Rates add up.", "config": {}}) == "Rates add up."


def test_dbt_groups_come_from_the_mission_folders(defs):
    graph = defs.resolve_asset_graph()
    groups = {key.path[-1]: graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups["consumption_rates"] == "spares" and groups["resistance_phenotype_rates"] == "laboratories"
    assert groups["establishment_comparisons"] == "reports" and groups["stg_icsha"] == "matis"
    assert groups["int_establishments"] == "registry" and groups["organisms"] == "reference"
    reports = graph.get(dg.AssetKey("participant_reports"))
    assert reports.partitions_def is not None and reports.description and {"html", "pdf", "excel"} <= reports.kinds


def test_graph_materializes_and_quarantines(pipeline):
    first = pipeline["first"]
    assert first.success
    mats = {e.asset_key.to_user_string(): e for e in first.get_asset_materialization_events()}
    assert "staging/stg_isolates" in mats and "reference/who_atc_ddd" in mats
    meta = mats["raw_spares_activity"].step_materialization_data.materialization.metadata
    isolates = mats["intermediate/int_isolates"].step_materialization_data.materialization.metadata
    with duckdb.connect(str(pipeline["settings"].warehouse_path), read_only=True) as con:
        (built,) = con.execute("SELECT count(*) FROM intermediate.int_isolates").fetchone()
    assert built > 0 and isolates["dagster/row_count"].value == built, "dbt tables carry their row counts"
    assert meta["files_rejected"].value == 1 and meta["dagster/row_count"].value == ROWS["spares_activity"]
    checks = {(c.asset_key.path[0], c.check_name): c for c in first.get_asset_check_evaluations()}
    assert not checks[("raw_spares_activity", "files_conform")].passed
    assert checks[("raw_spares_activity", "files_conform")].severity == dg.AssetCheckSeverity.WARN
    assert all(c.passed for (asset, name), c in checks.items() if name == "current_data_integrity")


def test_staging_views_hold_current_rows(pipeline):
    con = duckdb.connect(str(pipeline["settings"].warehouse_path), read_only=True)
    for dataset, rows in ROWS.items():
        assert con.sql(f"SELECT count(*) FROM staging.stg_{dataset}").fetchall() == [(rows,)], dataset
    con.close()


def test_a_build_that_passed_leaves_its_parse_state_and_no_folder(pipeline):
    from orchestration.dbt_project import vigie_dbt_project

    target = vigie_dbt_project.project_dir / vigie_dbt_project.target_path
    assert pipeline["first"].success and (target / "partial_parse.msgpack").exists()
    assert not list(target.glob(f"vigie_dbt_models-{pipeline['first'].run_id[:7]}-*"))


def test_the_dbt_resource_knows_the_version_of_the_dbt_it_runs_without_running_it():
    import subprocess
    import sys
    from pathlib import Path

    from orchestration.resources import build_resources

    dbt = build_resources()["dbt"]
    printed = subprocess.run([str(Path(sys.executable).with_name("dbt")), "--version"], capture_output=True,
                             text=True, check=True).stdout
    assert f"installed: {dbt._cli_version}" in printed, "dagster-dbt reads the version to choose how to call dbt"
    assert dbt._initialize_dbt_core_adapter(["build"]) is None


def test_second_run_changes_nothing(pipeline):
    assert pipeline["second"].success
    assert pipeline["after_second"] == pipeline["snapshot"]


def _materialized(result) -> dict[str, dg.AssetMaterialization]:
    return {e.asset_key.to_user_string(): e.step_materialization_data.materialization
            for e in result.get_asset_materialization_events()}


def test_a_run_that_only_rejects_files_does_not_rebuild_the_models(pipeline):
    first, second, third = (_materialized(pipeline[run]) for run in ("first", "second", "only_rejected"))
    assert pipeline["only_rejected"].success
    assert third["raw_spares_activity"].metadata["files_rejected"].value == 1
    assert set(second) == set(third) == {key for key in first if key.startswith("raw_")}  # no model, no copy
    version = "dagster/data_version"
    assert third["raw_spares_activity"].tags[version] == first["raw_spares_activity"].tags[version]


def test_a_landed_file_rebuilds_the_models_that_depend_on_it_and_a_rejected_one_none(pipeline):
    corrected, rejected = (_materialized(pipeline[run]) for run in ("landed_corrected", "landed_rejected"))
    assert pipeline["landed_corrected"].success and pipeline["landed_rejected"].success
    assert corrected["raw_spares_activity"].metadata["files_accepted"].value == 1
    assert {"staging/stg_spares_activity", "marts/consumption_rates", "marts/report_participants"} <= set(corrected)
    assert not {"staging/stg_isolates", "marts/resistance_rates", "reference/organisms"} & set(corrected)
    assert rejected["raw_spares_activity"].metadata["files_rejected"].value == 1
    assert set(rejected) == {"raw_spares_activity"}, "the models it selects were built on the same accepted data"


def test_participation_partition(pipeline):
    assert pipeline["participation"].success
    con = duckdb.connect(str(pipeline["settings"].warehouse_path), read_only=True)
    rows = dict(con.sql("SELECT dataset, participants FROM quality.participation WHERE year = 2024").fetchall())
    con.close()
    assert rows["spares_activity"] == 2 and rows["isolates"] == 2 and rows["signalements"] == 2


def test_landing_sensor_requests_the_datasets_waiting(defs, pipeline):
    sensor = defs.resolve_sensor_def("landing_sensor")
    settings = pipeline["settings"]
    with dg.build_sensor_context(resources=pipeline["resources"]) as context:
        assert isinstance(sensor(context), dg.SkipReason)
    (settings.landing_dir / "icsha" / "new.csv").write_text(VALID["icsha"], encoding="utf-8")
    try:
        with dg.build_sensor_context(resources=pipeline["resources"]) as context:
            request = sensor(context)
        assert isinstance(request, dg.RunRequest)
        selected = {k.to_user_string() for k in request.asset_selection}
        assert {k for k in selected if k.startswith("raw_")} == {"raw_icsha"}
        assert {"staging/stg_icsha", "marts/icsha_results", "marts/report_participants"} <= selected, \
            "the models that depend on the file follow, marts included"
        assert not {"staging/stg_isolates", "marts/consumption_rates", "reference/organisms"} & selected, \
            "the models that do not depend on it are left to the nightly consolidation"
    finally:
        (settings.landing_dir / "icsha" / "new.csv").unlink()


def test_participation_has_partitions_for_the_years_held_only(defs, pipeline):
    """The fixture's data are of 2024: a partition for 2024, none for 2019 to 2023 or 2025."""
    with dg.DagsterInstance.ephemeral() as instance:
        assert instance.get_dynamic_partitions("held_years") == []
        assert dg.materialize([defs.get_assets_def("raw_isolates")], instance=instance,
                              resources=pipeline["resources"]).success
        assert instance.get_dynamic_partitions("held_years") == ["2024"]


def test_weekly_schedule_requests_the_years_held_among_last_and_current(defs, pipeline):
    import datetime as dt

    schedule = defs.resolve_schedule_def("weekly_participation_schedule")
    with dg.instance_for_test() as instance:
        def tick(day: dt.datetime):
            with dg.build_schedule_context(instance=instance, scheduled_execution_time=day,
                                           resources=pipeline["resources"],
                                           repository_def=defs.get_repository_def()) as context:
                return schedule.evaluate_tick(context)

        assert [r.partition_key for r in tick(dt.datetime(2025, 3, 3, 6)).run_requests] == ["2024"]
        assert instance.get_dynamic_partitions("held_years") == ["2024"]
        assert "no data held for 2026 nor 2027" in tick(dt.datetime(2027, 3, 1, 6)).skip_message


def test_a_build_is_up_to_date_after_a_complete_build_or_one_of_the_same_models():
    from assets.dbt import subset_signature, up_to_date

    complete = "3.7:abc"
    models = subset_signature(complete, [dg.AssetKey(["marts", "a"]), dg.AssetKey(["staging", "b"])])
    assert models == subset_signature(complete, [dg.AssetKey(["staging", "b"]), dg.AssetKey(["marts", "a"])])
    assert up_to_date(complete, complete, models), "every model was built on the same data"
    assert up_to_date(models, complete, models)
    assert not up_to_date(subset_signature(complete, [dg.AssetKey("c")]), complete, models), "other models"
    assert not up_to_date(models, complete, None), "a complete build after a subset builds"
    assert not up_to_date("3.6:abc", complete, None) and not up_to_date(None, complete, None)

"""The annual calendar: schedules evaluated at chosen dates request the right year, and deadline checks fail when a
year's output is missing at its date (error) or came after it (warning)."""

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.calendar import deadline_result
from vigie.calendar import Milestone, milestones

PARIS = ZoneInfo("Europe/Paris")
ACTIVITY_REPORT = Milestone("ALL", "activity_report", "", 3, 31, 1, "Rapport d'activité")


def _paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


def test_the_year_of_a_milestone_on_either_side_of_its_date():
    assert ACTIVITY_REPORT.data_year(_paris(2026, 3, 15)) == 2024, "on 15 March 2026, the last one due was 2024's"
    assert ACTIVITY_REPORT.data_year(_paris(2026, 3, 31, 0, 1)) == 2025, "due on 31 March 2026"
    assert ACTIVITY_REPORT.data_year(_paris(2026, 4, 1)) == 2025
    # 31 March 23:30 in Paris is still 31 March, although it is 21:30 UTC; 1 April 00:30 in Paris is 22:30 UTC.
    assert ACTIVITY_REPORT.data_year(dt.datetime(2026, 3, 31, 22, 30, tzinfo=dt.UTC)) == 2025
    assert ACTIVITY_REPORT.deadline(2025) == _paris(2026, 4, 1)


def test_every_milestone_of_the_seed_names_a_known_output_or_none(defs):
    names = {f"{m.name}_schedule" for m in milestones() if m.job}
    assert names and names <= {s.name for s in defs.schedules}


@pytest.mark.parametrize(("when", "year"), [(_paris(2026, 11, 15, 6), "2025"), (_paris(2027, 11, 15, 6), "2026")])
def test_the_spf_schedule_requests_last_year_s_package(defs, when, year):
    schedule = defs.resolve_schedule_def("spf_transmission_schedule")
    assert schedule.cron_schedule == "0 6 15 11 *" and schedule.execution_timezone == "Europe/Paris"
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == year and request.run_key == f"spf_transmission-{year}"


def test_deadline_check_missing_late_and_on_time():
    from assets.spf_transmission import spf_transmission as asset

    key = asset.key
    today = dt.date.today()
    # Due on 1 January of N+1: the output of N materialized today came after that date.
    past = Milestone("ALL", "spf_transmission", "transmit_to_spf", 1, 1, 1, "")
    # Due on 31 December of N+1: today's materialization of N - 1 is on time.
    future = Milestone("ALL", "spf_transmission", "transmit_to_spf", 12, 31, 1, "")
    late_year, on_time_year = today.year - 1, today.year - 1
    with dg.instance_for_test() as instance:
        missing = deadline_result(instance, asset, past, _paris(today.year, 1, 2))
        assert not missing.passed and missing.severity == dg.AssetCheckSeverity.ERROR
        assert missing.metadata["data_year"].value == late_year
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=str(late_year)))
        late = deadline_result(instance, asset, past, _paris(today.year, 1, 2))
        assert not late.passed and late.severity == dg.AssetCheckSeverity.WARN
        on_time = deadline_result(instance, asset, future, _paris(today.year, 12, 31, 12))
        assert on_time.passed and on_time.metadata["data_year"].value == on_time_year
        assert deadline_result(instance, asset, future, _paris(today.year + 1, 12, 31, 12)).passed, "due tonight"
        missed = deadline_result(instance, asset, future, _paris(today.year + 2, 1, 1, 0, 30))
        assert not missed.passed and missed.metadata["data_year"].value == today.year, "the day is over"


def test_the_deadline_job_evaluates_its_check(defs):
    job = defs.resolve_job_def("spf_transmission_deadline")
    with dg.instance_for_test() as instance:
        result = job.execute_in_process(instance=instance)
    [evaluation] = result.get_asset_check_evaluations()
    assert evaluation.check_name == "spf_transmission_on_time" and evaluation.asset_key == dg.AssetKey("spf_transmission")
    assert evaluation.metadata["delivered"].value == "absent"


@pytest.mark.parametrize(("when", "year"), [(_paris(2026, 9, 30, 6), "2025"), (_paris(2026, 3, 15, 6), "2024")])
def test_the_regional_restitution_requests_every_region_of_the_year(defs, when, year):
    schedule = defs.resolve_schedule_def("regional_restitution_schedule")
    assert schedule.cron_schedule == "0 6 30 9 *" and schedule.job_name == "produce_regional_outputs"
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())
    requests = schedule.evaluate_tick(context).run_requests
    keys = [r.partition_key for r in requests]
    assert len(keys) == 18 and {k.keys_by_dimension["year"] for k in keys} == {year}
    assert {k.keys_by_dimension["region"] for k in keys} >= {"11", "76", "94", "01", "06"}
    assert len({r.run_key for r in requests}) == 18


@pytest.mark.parametrize(("when", "year"), [(_paris(2026, 3, 31, 6), "2025"), (_paris(2026, 4, 1, 6), "2025"),
                                            (_paris(2026, 3, 15, 6), "2024")])
def test_the_activity_report_of_year_n_is_due_on_31_march_n_plus_1(defs, when, year):
    schedule = defs.resolve_schedule_def("activity_report_schedule")
    assert schedule.cron_schedule == "0 6 31 3 *" and schedule.job_name == "produce_activity_report"
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=defs.get_repository_def())
    [request] = schedule.evaluate_tick(context).run_requests
    assert request.partition_key == year


def test_a_region_missing_at_the_deadline_turns_the_regional_check_red():
    from assets.regional_outputs import regional_outputs
    from orchestration.partitions import region_codes, year_region_key

    restitution = Milestone("ALL", "regional_restitution", "produce_regional_outputs", 9, 30, 1, "")
    with dg.instance_for_test() as instance:
        for region in region_codes():
            if region != "94":
                instance.report_runless_asset_event(dg.AssetMaterialization(
                    asset_key=regional_outputs.key, partition=str(year_region_key(2019, region))))
        before = deadline_result(instance, regional_outputs, restitution, _paris(2020, 9, 30, 12))
        assert before.passed, "Corsica's output is still due tonight"
        after = deadline_result(instance, regional_outputs, restitution, _paris(2020, 10, 1, 9))
        assert not after.passed and after.severity == dg.AssetCheckSeverity.ERROR
        assert after.metadata["missing"].value == str(year_region_key(2019, "94"))
        assert after.metadata["partitions_due"].value == 18

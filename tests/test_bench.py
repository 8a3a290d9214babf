"""The benchmark's arithmetic (stages adding up to the wall time, medians, lineage) and a real small run."""

import os

import pytest

from vigie.bench import lineage, report, stages


def _run(wall=100.0, reports=20.0):
    return {
        "wall": wall, "success": True,
        "runs": {"ingest_and_consolidate": 60.0, "yearly_reports": reports, "produce_regional_outputs": 10.0},
        "steps": {"ingest_and_consolidate": {"raw_isolates": 30.0, "raw_spares_activity": 5.0,
                                             "vigie_dbt_models": 20.0, "analysts_copy": 4.0}},
        "ingestion": {"isolates": {"reading": 10.0, "validation": 12.0, "loading": 6.0, "rows": 1000},
                      "spares_activity": {"reading": 1.0, "validation": 1.0, "loading": 1.0, "rows": 10}},
        "dbt_nodes": {"model.vigie.stg_isolates": 1.5, "model.vigie.resistance_rates": 2.5, "test.vigie.t1": 0.5,
                      "model.vigie.icsha_results": 3.0},
        "spans": {"jobs": {"ingest_and_consolidate": [[1000, 1060]], "yearly_reports": [[1070, 1070 + reports]]},
                  "steps": {"ingest_and_consolidate": {"raw_isolates": [[1000, 1030]], "raw_icsha": [[1030, 1035]],
                                                       "vigie_dbt_models": [[1035, 1055]]}}},
    }


def test_stages_add_up_to_the_wall_time():
    seconds = stages.stage_seconds(_run())
    assert seconds["ingestion: reading"] == 11.0 and seconds["ingestion: validation"] == 13.0
    assert seconds["ingestion: loading"] == 7.0
    assert seconds["ingestion: checks and metadata"] == pytest.approx(35.0 - 31.0)
    assert seconds["dbt build"] == 20.0 and seconds["analysts copy"] == 4.0
    assert seconds["participants' reports"] == 20.0 and seconds["regional outputs"] == 10.0
    assert seconds["SpF package"] == 0.0
    # 100 - (35 + 20 + 4 + 20 + 10) = 11 s of start-up and run overhead
    assert seconds[stages.ORCHESTRATION] == pytest.approx(11.0)
    assert sum(seconds.values()) == pytest.approx(100.0)


def test_each_stage_has_the_peak_of_the_samples_taken_during_its_spans():
    timeline = [[999, 9], [1010, 3], [1033, 4], [1040, 7], [1056, 8], [1075, 5], [1095, 6]]
    assert stages.stage_peaks(_run()["spans"], timeline) == {
        "ingestion": 4, "dbt build": 7, "participants' reports": 5, "participation": 0, "regional outputs": 0,
        "SpF package": 0, "ECDC exports": 0, "activity report": 0}


def test_medians_over_runs_and_the_platform_time_of_the_kernel_marts():
    runs = [stages.stage_seconds(_run(wall, reports)) for wall, reports in ((100, 20), (90, 10), (130, 50))]
    medians = stages.medians(runs)
    assert medians["participants' reports"] == 20.0
    assert medians[stages.ORCHESTRATION] == pytest.approx(11.0)  # 11, 11, 11
    nodes = {"model.vigie.stg_isolates", "model.vigie.resistance_rates", "test.vigie.t1"}
    # raw_isolates 30 s (no spares_consumption step in this run) + 1.5 + 2.5 + 0.5 of dbt nodes
    assert stages.lineage_seconds(_run(), {"isolates", "spares_consumption"}, nodes) == pytest.approx(34.5)


def test_layers_and_lineage_from_the_manifest():
    manifest = {
        "nodes": {
            "seed.vigie.organisms": {"resource_type": "seed", "name": "organisms", "fqn": ["vigie", "organisms"]},
            "model.vigie.stg_isolates": {"resource_type": "model", "name": "stg_isolates",
                                         "fqn": ["vigie", "staging", "laboratories", "stg_isolates"]},
            "model.vigie.resistance_rates": {"resource_type": "model", "name": "resistance_rates",
                                             "fqn": ["vigie", "marts", "laboratories", "resistance_rates"]},
            "model.vigie.icsha_results": {"resource_type": "model", "name": "icsha_results",
                                          "fqn": ["vigie", "marts", "matis", "icsha_results"]},
            "test.vigie.t1": {"resource_type": "test", "name": "t1", "fqn": ["vigie", "t1"],
                              "depends_on": {"nodes": ["model.vigie.resistance_rates"]}},
            "test.vigie.t2": {"resource_type": "test", "name": "t2", "fqn": ["vigie", "t2"],
                              "depends_on": {"nodes": ["model.vigie.icsha_results"]}},
        },
        "parent_map": {"model.vigie.stg_isolates": ["source.vigie.raw.isolates", "source.vigie.raw.submission_keys"],
                       "model.vigie.resistance_rates": ["model.vigie.stg_isolates", "seed.vigie.organisms"],
                       "model.vigie.icsha_results": ["source.vigie.raw.icsha"]},
    }
    nodes = lineage.lineage(manifest, ["resistance_rates"])
    assert nodes == {"model.vigie.resistance_rates", "model.vigie.stg_isolates", "seed.vigie.organisms",
                     "source.vigie.raw.isolates", "source.vigie.raw.submission_keys", "test.vigie.t1"}
    assert lineage.datasets(nodes) == {"isolates"}
    layers = lineage.layer_of(manifest)
    assert layers["seed.vigie.organisms"] == "seeds" and layers["test.vigie.t2"] == "tests"
    assert layers["model.vigie.stg_isolates"] == "staging" and layers["model.vigie.icsha_results"] == "marts"
    assert stages.layer_seconds(_run()["dbt_nodes"], layers) == {"marts": 5.5, "staging": 1.5, "tests": 0.5}


def test_the_markdown_table_gives_medians_runs_and_the_kernel_ratio():
    from vigie.bench.command import summarise

    samples = []
    for wall, reports in ((100, 20), (90, 10), (130, 50)):
        run = _run(wall, reports)
        run.update(process_wall=wall + 2, peak_bytes=2**30 * wall / 50, peak_seconds=wall / 2,
                   peak_processes=[["dbt build", 2**30 * wall / 100], ["python -m vigie.bench.child", 2**29]],
                   stages=stages.stage_seconds(run), stage_peaks={"dbt build": 2**30 * wall / 100},
                   dbt_layers={"marts": 5.5}, kernel_marts_platform=34.5)
        samples.append(run)
    kernel = {"seconds": [2.0, 3.0, 2.5], "rows": {"resistance_rates": 12}, "differences": {"resistance_rates": []}}
    summary = summarise(0.5, 7, [2025], samples, kernel)
    text = report.markdown(summary)
    assert "| participants' reports | 20.0 | 20.0 / 10.0 / 50.0 |" in text
    assert "| **whole run** | **102.0** | 102.0 / 92.0 / 132.0 |" in text
    assert "| ratio platform / kernel | 13.80 |" in text  # 34.5 / 2.5
    assert "equal to the marts, every row" in text and "Peak memory" in text and "2.00 GiB" in text
    assert "- run 3: at 65 s, 1.30 GiB dbt build; 0.50 GiB python -m vigie.bench.child" in text
    assert "| dbt build | 1.00 |" in text  # median of 1.00, 0.90 and 1.30


def test_vigie_bench_runs_at_a_small_scale(tmp_path):
    """CI runs the benchmark small, so that it cannot rot: every stage timed, the kernel equal to the marts; then the
    latencies on the run it kept, with the daemon running."""
    import json

    from vigie.cli import main

    assert main(["bench", "--scale", "0.005", "--runs", "1", "--cache", str(tmp_path),
                 "--keep", str(tmp_path / "kept")]) == 0
    summary = json.loads((tmp_path / "bench_x0.005.json").read_text(encoding="utf-8"))
    assert summary["all_succeeded"] and summary["kernel"]["equal"], summary.get("kernel")
    assert summary["rows"]["establishments"] == 18 and summary["rows"]["isolates"] > 0
    seconds = summary["stages"]
    for stage in ("ingestion: validation", "dbt build", "participants' reports", "regional outputs", "ECDC exports"):
        assert seconds[stage] > 0, stage
    assert sum(seconds.values()) <= summary["wall_median"] and summary["peak_median_bytes"] > 2**20
    assert "| **whole run** |" in (tmp_path / "bench_x0.005.md").read_text(encoding="utf-8")

    environment = dict(os.environ)
    assert main(["bench", "--latency", str(tmp_path / "kept"), "--runs", "1", "--out", str(tmp_path)]) == 0
    assert dict(os.environ) == environment, "the daemon's environment is its own: the tests after keep theirs"
    latency = json.loads((tmp_path / "bench_latency.json").read_text(encoding="utf-8"))
    assert list(latency) == ["an establishment's SPARES consumption", "a laboratory's isolates"]
    for measured in latency.values():
        assert measured["corrected_to_report_median"] > measured["rejected_to_receipt_median"] > 0, latency
    assert "| a corrected file's report |" in (tmp_path / "bench_latency.md").read_text(encoding="utf-8")

"""Models built per submission (dbt_project/macros/per_submission.sql): a build that files landing trigger
recomputes the (submission, key) pairs that changed only, and leaves the models as a whole build would."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from assets.dbt import PER_SUBMISSION, per_submission, subset_signature
from vigie.settings import DBT_PROJECT_DIR

MODELS = ("int_isolates", "int_first_isolates", "int_isolate_phenotypes", "int_community_urinary_first_isolates",
          "int_resistance_counts", "int_phenotype_counts", "int_community_resistance_counts",
          "int_community_phenotype_counts")
HEADER = ("source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;"
          "antibiotic;sir;mic;esbl;carbapenemase\n")
A, B = "310781406", "LAB00001"


def _rows(source, isolate, patient, date, specimen, sirs):
    setting, sector, department = ("HOSP", "MED", "") if source == A else ("COMM", "", "31")
    return "".join(f"{source};{setting};{isolate};{patient};F;60;{date};{specimen};{sector};{department};ESCCOL;"
                   f"{antibiotic};{sir};;NEG;NEG\n" for antibiotic, sir in sirs)


# A's first file holds two keys, A|2023 and A|2024, in equal shares (neither is a dating spill).
A_FIRST = HEADER + (_rows(A, "X1", "P1", "2023-03-01", "BLOOD", [("AMX", "R"), ("CTX", "S")])
                    + _rows(A, "X2", "P2", "2023-04-01", "URINE", [("AMX", "S"), ("CTX", "S")])
                    + _rows(A, "Y1", "P1", "2024-02-01", "BLOOD", [("AMX", "R"), ("CTX", "R")])
                    + _rows(A, "Y2", "P3", "2024-05-01", "URINE", [("AMX", "S"), ("CTX", "S")]))
B_FIRST = HEADER + _rows(B, "C1", "P9", "2024-06-01", "URINE", [("AMX", "R"), ("CTX", "S")])
# A's correction of 2024 only: screening swabs, which leave no first isolate and no phenotype row for A|2024.
A_2024_CORRECTED = HEADER + (_rows(A, "Y1", "P1", "2024-02-01", "SCREEN", [("AMX", "R"), ("CTX", "R")])
                             + _rows(A, "Y3", "P4", "2024-07-01", "SCREEN", [("AMX", "S")]))


def _dbt_build(settings, tmp_path: Path, adding: bool) -> None:
    env = {**os.environ, "VIGIE_WAREHOUSE": str(settings.warehouse_path), PER_SUBMISSION: "true" if adding else "false"}
    selection = [f"+{model}" for model in MODELS]
    subprocess.run([str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--select", *selection,
                    "--exclude", "test_type:unit", "--indirect-selection", "cautious",
                    "--target-path", str(tmp_path / "target"), "--profiles-dir", str(DBT_PROJECT_DIR)],
                   cwd=DBT_PROJECT_DIR, env=env, check=True)


def _snapshot(query) -> dict[str, list]:
    return {model: sorted(query(f"SELECT * FROM intermediate.{model}"), key=str) for model in MODELS}


def test_a_correction_recomputes_its_pairs_only_and_equals_a_whole_build(settings, land, ingest, query, tmp_path):
    import duckdb

    land("isolates", A_FIRST)
    land("isolates", B_FIRST)
    ingest("isolates")
    _dbt_build(settings, tmp_path, adding=False)
    # A mark on B's isolate that only a recomputation of B|2024 would wipe.
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("UPDATE intermediate.int_isolates SET age = 999 WHERE source_id = ?", [B])
    land("isolates", A_2024_CORRECTED)
    ingest("isolates")
    _dbt_build(settings, tmp_path, adding=True)

    assert query("SELECT age FROM intermediate.int_isolates WHERE source_id = ?", [B]) == [(999,)], \
        "B|2024 did not change: its rows were left as they were"
    (corrected,) = query("SELECT submission_id FROM raw.submission_keys WHERE key_value = ? AND superseded_by IS NULL",
                         [f"{A}|2024"])[0]
    assert sorted(query("SELECT isolate_id, specimen, submission_id FROM intermediate.int_isolates "
                        "WHERE source_id = ? AND year = 2024", [A])) == [("Y1", "SCREEN", corrected),
                                                                          ("Y3", "SCREEN", corrected)]
    assert query("SELECT count(*) FROM intermediate.int_first_isolates WHERE source_id = ? AND year = 2024",
                 [A]) == [(0,)], "the rows of the superseded pair went, though the new one adds none"
    assert query("SELECT count(*) FROM intermediate.int_isolate_phenotypes WHERE source_id = ? AND year = 2024",
                 [A]) == [(0,)]
    assert sorted(query("SELECT isolate_id FROM intermediate.int_first_isolates WHERE source_id = ? AND year = 2023",
                        [A])) == [("X1",), ("X2",)], "A|2023 stays current from A's first file"
    # A|2023: X1 (AMX R, CTX S) and X2 (both S), first isolates of two patients.
    assert sorted(query("SELECT year, antibiotic, n_tested, n_resistant FROM intermediate.int_resistance_counts "
                        "WHERE source_id = ?", [A])) == [(2023, "AMX", 2, 1), (2023, "CTX", 2, 0)]
    assert query("SELECT source_id, antibiotic, n_tested, n_resistant FROM intermediate.int_community_resistance_counts "
                 "ORDER BY antibiotic") == [(B, "AMX", 1, 1), (B, "CTX", 1, 0)]

    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("UPDATE intermediate.int_isolates SET age = 60 WHERE source_id = ?", [B])
    added = _snapshot(query)
    _dbt_build(settings, tmp_path, adding=False)
    assert _snapshot(query) == added
    assert query("SELECT count(*) FROM intermediate.int_isolate_phenotypes")[0][0] > 0
    assert query("SELECT source_id, isolate_id FROM intermediate.int_community_urinary_first_isolates") == [(B, "C1")]


def _signature(data: str, project: str, *models: str) -> str:
    complete = f"{data}:{project}"
    return subset_signature(complete, [dg.AssetKey(m) for m in models]) if models else complete


@pytest.mark.parametrize(("builds", "expected", "why"), [
    ([_signature("3.7", "p")], True, "the last build was complete, with this project"),
    ([_signature("3.8", "p", "a"), _signature("3.7", "p", "b"), _signature("3.6", "p")], True,
     "every build since the last complete one used this project"),
    ([_signature("3.8", "p", "a"), _signature("3.7", "old")], False, "the last complete build used another project"),
    ([_signature("3.8", "old", "a"), _signature("3.7", "p")], False, "a build since used another project"),
    ([_signature("3.8", "p", "a")], False, "no complete build"),
    ([], False, "no build"),
])
def test_a_build_adds_per_submission_only_on_what_this_project_built(builds, expected, why):
    complete = _signature("3.9", "p")
    assert per_submission(builds, complete, _signature("3.9", "p", "a")) is expected, why
    assert per_submission(builds, complete, None) is False, "a complete build recomputes the models whole"

"""Disclosure control: no figure shown to an establishment lets it work out a peer's value.

Eleven establishments of one region: a category of 6 (CH), of 2 (CLCC) and of 3 (MCO). For the report of one
establishment of each, the test builds a second warehouse in which every other establishment's rate differs, by a
perturbation that leaves every figure of that report unchanged (the Harrell-Davis quartiles of its peer group, the
national rates, its percentile); the two reports are then identical, so nobody can recover any peer's rate from it.
"""

import os
import subprocess
import sys

import duckdb
import numpy as np
import pytest

from vigie.statistics import harrell_davis_weights

KEY = "test-key-0123456789abcdef"
CATEGORIES = {"CH": [100, 130, 170, 220, 260, 310], "CLCC": [150, 400], "MCO": [120, 200, 350]}
DAYS = 10_000
STAMP = 1_700_000_000


def _finess(n: int) -> str:
    from quality.finess import luhn_valid

    body = f"310{n:05d}"
    return next(body + str(k) for k in range(10) if luhn_valid(body + str(k)))


ESTABLISHMENTS = [(_finess(i), category) for i, (category, rates) in enumerate(
    (c, r) for c, rates in CATEGORIES.items() for r in rates)]
RATES = dict(zip([f for f, _ in ESTABLISHMENTS], [r for rates in CATEGORIES.values() for r in rates]))
TARGETS = {"CH": ESTABLISHMENTS[0][0], "CLCC": ESTABLISHMENTS[6][0], "MCO": ESTABLISHMENTS[8][0]}


def _build(folder, rates: dict[str, float]):
    """Ingests, builds the marts and writes the targets' reports for 2024; returns the data folder."""
    from vigie.ingest import ingest_dataset
    from vigie.reports.writer import write_reports
    from vigie.settings import DBT_PROJECT_DIR, Settings

    settings = Settings(folder, KEY.encode(), False)
    settings.ensure_dirs()
    files = {
        "establishments": "finess;name;department;category;beds\n" + "".join(
            f"{f};Établissement {f};31;{c};100\n" for f, c in ESTABLISHMENTS),
        "spares_activity": "finess;year;sector;patient_days\n" + "".join(f"{f};2024;MED;{DAYS}\n" for f in rates),
        # amoxicillin, DDD 1.5 g: rate × days / 1000 DDD = rate × 15 g
        "spares_consumption": "finess;year;sector;atc_code;route;quantity;unit\n" + "".join(
            f"{f};2024;MED;J01CA04;O;{float(rate) * DAYS / 1000 * 1.5!r};g\n" for f, rate in rates.items()),
    }
    for dataset, text in files.items():
        path = settings.landing_dir / dataset / "f.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (STAMP, STAMP))  # the same date of data in both warehouses
        assert ingest_dataset(dataset, settings).submissions[0].status == "accepted"
    dbt = [os.path.join(os.path.dirname(sys.executable), "dbt"), "build", "--profiles-dir", str(DBT_PROJECT_DIR),
           "--exclude", "resource_type:test", "resource_type:unit_test", "--quiet"]
    subprocess.run(dbt, cwd=DBT_PROJECT_DIR, check=True,
                   env={**os.environ, "VIGIE_WAREHOUSE": str(settings.warehouse_path), "DO_NOT_TRACK": "1"})
    write_reports(settings, 2024, list(TARGETS.values()))
    return settings


def _page(settings, finess) -> str:
    return (settings.reports_dir / finess / "2024" / f"rapport_{finess}_2024.html").read_text(encoding="utf-8")


def _comparison(settings, finess):
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        [row] = con.sql(f"""SELECT peer_group, peer_group_size, p25, p50, p75, percentile
            FROM marts.establishment_comparisons WHERE finess = '{finess}' AND indicator = 'consumption'
            AND stratum_1 = 'ALL' AND stratum_2 = 'ALL'""").fetchall()
        return row
    finally:
        con.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("disclosure") / "base", RATES)


def _group_of(target: str, peer_group: str) -> list[str]:
    category = dict(ESTABLISHMENTS)[target]
    return [f for f, c in ESTABLISHMENTS if peer_group == "region" or c == category]


def _invisible_perturbation(target: str, group: list[str]) -> dict[str, float]:
    """Rates of every establishment but `target` moved, by up to 6 DDD/1000 JH, along a direction that changes
    neither the group's Harrell-Davis quartiles nor the national rate (all have the same patient-days)."""
    others = [f for f in RATES if f != target]
    ordered = sorted(group, key=RATES.get)
    rows = []
    for p in (0.25, 0.5, 0.75):
        weights = dict(zip(ordered, harrell_davis_weights(len(ordered), p)))
        rows.append([weights.get(f, 0.0) for f in others])
    rows.append([1.0] * len(others))  # the national pooled rate
    _, _, vt = np.linalg.svd(np.array(rows))
    null_space = vt[len(rows):]
    # among a few hundred directions of that space, the one that moves its least-moved establishment most
    candidates = np.random.default_rng(7).normal(size=(500, len(null_space))) @ null_space
    candidates /= np.abs(candidates).max(axis=1, keepdims=True)
    direction = 6 * candidates[np.abs(candidates).min(axis=1).argmax()]
    assert np.abs(direction).min() > 0.3, "every peer's rate really moves"
    moved = dict(RATES)
    for f, delta in zip(others, direction):
        moved[f] = RATES[f] + delta
    return moved


def test_small_categories_are_compared_with_their_region(base):
    assert _comparison(base, TARGETS["CH"])[:2] == ("category", 6)
    for category in ("CLCC", "MCO"):
        group, size, *_ = _comparison(base, TARGETS[category])
        assert (group, size) == ("region", 11), "a category under 5 establishments shows no distribution of its own"
        assert "Région, n = 11" in _page(base, TARGETS[category])


def test_quartiles_are_no_establishment_s_value(base):
    for target in TARGETS.values():
        _, _, p25, p50, p75, _ = _comparison(base, target)
        assert not {round(v, 6) for v in (p25, p50, p75)} & {float(r) for r in RATES.values()}


@pytest.mark.parametrize("category", ["CH", "CLCC", "MCO"])
def test_no_peer_s_rate_can_be_recovered_from_a_report(base, category, tmp_path):
    target = TARGETS[category]
    group = _group_of(target, _comparison(base, target)[0])
    moved = _invisible_perturbation(target, group)
    assert all(abs(moved[f] - RATES[f]) > 0.3 for f in RATES if f != target)
    other = _build(tmp_path / "moved", moved)
    assert _comparison(other, target) == pytest.approx(_comparison(base, target))
    assert _page(other, target) == _page(base, target), \
        "two sets of peer rates, one report: the report cannot tell what any peer's rate is"

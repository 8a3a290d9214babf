"""Every mart carries checks of its indicator beyond its keys, read from the dbt manifest (built by `dbt parse`): a
bound on each rate, proportion or percentage, its interval around it, and a denominator that is present and above 0
wherever a rate is shown. Whether the checks pass is dbt's business (the marts' test modules build the marts with
them); here, that they are there, and described in a sentence as the Dagster UI shows them."""

import json
import re

import pytest

KEY_TESTS = {"unique", "unique_combination", "not_null"}
# rates, proportions and percentages, by their name; DID (DDD per 1000 inhabitants per day) and the SIR as well
RATE_LIKE = re.compile(r"rate|percent|pct|per_1000|proportion|incidence", re.IGNORECASE)
RATE_NAMES = {"did", "DID", "sir"}
INTERVAL_BOUND = re.compile(r"^(?P<prefix>.*)ci_(?P<side>low|high)$")


@pytest.fixture(scope="module")
def manifest():
    from orchestration.dbt_project import ensure_manifest

    return json.loads(ensure_manifest().read_text())


@pytest.fixture(scope="module")
def marts(manifest) -> dict[str, dict]:
    return {node["name"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model" and node["original_file_path"].startswith("models/marts/")}


@pytest.fixture(scope="module")
def tests_of(manifest, marts) -> dict[str, list[tuple[str, dict, dict]]]:
    """Each mart's generic tests: (test, arguments, config)."""
    by_id = {node["unique_id"]: name for name, node in marts.items()}
    tests = {name: [] for name in marts}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("attached_node") in by_id and node.get("test_metadata"):
            tests[by_id[node["attached_node"]]].append(
                (node["test_metadata"]["name"], node["test_metadata"].get("kwargs", {}), node.get("config") or {}))
    return tests


def _rate_like(column: str) -> bool:
    return (bool(RATE_LIKE.search(column)) or column in RATE_NAMES) and not INTERVAL_BOUND.match(column)


def _positive(kwargs: dict) -> bool:
    """A bound that says above 0: `min_value` 0 excluded, or a count of at least 1."""
    low = kwargs.get("min_value")
    if not isinstance(low, (int, float)):
        return False
    return low >= 1 or (low == 0 and kwargs.get("inclusive", True) is False)


def test_the_marts_are_found(marts):
    assert {"resistance_rates", "ears_net_uncodable", "funnel_limit_curves", "signalements_open"} <= set(marts)
    assert len(marts) >= 30


def test_every_mart_has_a_check_beyond_its_keys(tests_of):
    bare = sorted(name for name, tests in tests_of.items() if not {t for t, _, _ in tests} - KEY_TESTS)
    assert bare == [], f"marts with uniqueness and not-null checks only: {bare}"


def test_every_rate_like_column_has_a_bound(marts, tests_of):
    bounded = {(name, kwargs.get("column_name")) for name, tests in tests_of.items()
               for test, kwargs, _ in tests if test == "within_bounds"}
    unbounded = sorted(f"{name}.{column}" for name, node in marts.items() for column in node["columns"]
                       if _rate_like(column) and (name, column) not in bounded)
    assert unbounded == [], f"rates, proportions or percentages without a within_bounds test: {unbounded}"


def test_every_interval_holds_its_value(marts, tests_of):
    """Each pair <prefix>ci_low / <prefix>ci_high is the interval of a value_within_interval test."""
    intervals = {(name, kwargs.get("low"), kwargs.get("high")) for name, tests in tests_of.items()
                 for test, kwargs, _ in tests if test == "value_within_interval"}
    missing = []
    for name, node in marts.items():
        for column in node["columns"]:
            match = INTERVAL_BOUND.match(column)
            if match and match["side"] == "low" and (name, column, f"{match['prefix']}ci_high") not in intervals:
                missing.append(f"{name}.{column}")
    assert missing == [], f"intervals whose value is not checked within them: {missing}"


def test_every_mart_showing_a_rate_checks_that_its_denominator_is_above_zero(marts, tests_of):
    """A within_bounds test above 0 (a denominator, or a count of at least 1 that the rate is taken over), or, for a
    distribution, shares that add up to 100 (so that their total is above 0)."""
    showing = [name for name, node in marts.items() if any(_rate_like(column) for column in node["columns"])]
    assert "resistance_rates" in showing and "icsha_class_distribution" in showing
    without = sorted(name for name in showing if not any(
        (test == "within_bounds" and _positive(kwargs)) or test == "shares_sum_to"
        for test, kwargs, _ in tests_of[name]))
    assert without == [], f"marts showing a rate without a check of its denominator: {without}"


def test_every_check_of_a_mart_is_described_in_a_sentence_of_its_own(manifest, marts):
    """Each generic test the marts use has its sentence in describe_test (none falls back to the test's name)."""
    from orchestration.dbt_translator import describe_test

    ids = {node["unique_id"] for node in marts.values()}
    undescribed = sorted({node["test_metadata"]["name"] for node in manifest["nodes"].values()
                          if node["resource_type"] == "test" and node.get("attached_node") in ids
                          and node.get("test_metadata") and describe_test(node).startswith("dbt test `")})
    assert undescribed == [], f"generic tests without a sentence in describe_test: {undescribed}"


def test_a_bound_is_described_with_its_rows_and_severity():
    from orchestration.dbt_translator import describe_test

    def test(name, config=None, **kwargs):
        return {"name": "t", "description": "", "config": config or {"severity": "ERROR"},
                "test_metadata": {"name": name, "kwargs": kwargs}}

    assert describe_test(test("within_bounds", column_name="pct", min_value=0, max_value=100)) == \
        "`pct` lies between 0 and 100. dbt test, severity error."
    assert describe_test(test("within_bounds", column_name="n_resistant", min_value=0, max_value="n_tested")) == \
        "`n_resistant` lies between 0 and `n_tested`. dbt test, severity error."
    assert describe_test(test("within_bounds", {"severity": "WARN", "where": "n_episodes > 0"},
                              column_name="patient_days", min_value=0, inclusive=False)) == \
        "On the rows where n_episodes > 0: `patient_days` is above 0. dbt test, severity warn."
    threshold = "(select value from {{ ref('disclosure_thresholds') }} where threshold = 'min_isolates_resistance')"
    assert describe_test(test("within_bounds", column_name="n", min_value=threshold)) == \
        "`n` is at least `min_isolates_resistance` of `disclosure_thresholds`. dbt test, severity error."
    assert describe_test(test("within_bounds", column_name="pct", max_value=100, tolerance=1e-9)) == \
        "`pct` is at most 100 (to within 1e-09). dbt test, severity error."
    assert describe_test(test("relationships_where", {"where": "sector <> 'ALL'"}, column_name="sector",
                              to="ref('protocol_codes')", field="code", to_condition="code_list = 'sector'")) == \
        "On the rows where sector <> 'ALL': every `sector` exists in `code` of `protocol_codes` where " \
        "code_list = 'sector'. dbt test, severity error."
    assert describe_test(test("shares_sum_to", column_name="pct_episodes", group_by=["year", "geo_code"])) == \
        "`pct_episodes` adds up to 100 in each group of `year`, `geo_code`. dbt test, severity error."

"""What the dbt manifest says about the benchmark's marts: each node's layer, and the lineage of some marts."""

import json
from pathlib import Path

RAW_SOURCE_PREFIX = "source.vigie.raw."
PROVENANCE_TABLES = {"submissions", "submission_keys"}


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def layer_of(manifest: dict) -> dict[str, str]:
    """seeds, tests, or the model's layer (its first folder under models/: staging, intermediate, marts)."""
    layers = {}
    for unique_id, node in manifest["nodes"].items():
        kind = node["resource_type"]
        layers[unique_id] = {"seed": "seeds", "test": "tests", "unit_test": "tests"}.get(kind) or node["fqn"][1]
    return layers


def lineage(manifest: dict, models: list[str]) -> set[str]:
    """The models named, their ancestors (seeds and sources included) and the tests that only test them."""
    parents = manifest["parent_map"]
    todo = [unique_id for unique_id, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["name"] in models]
    seen: set[str] = set()
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(parents.get(node, []))
    tests = {unique_id for unique_id, node in manifest["nodes"].items()
             if node["resource_type"] == "test" and set(node["depends_on"]["nodes"]) <= seen
             and node["depends_on"]["nodes"]}
    return seen | tests


def datasets(nodes: set[str]) -> set[str]:
    """The protocol datasets whose raw tables a lineage reads."""
    return {node.removeprefix(RAW_SOURCE_PREFIX) for node in nodes if node.startswith(RAW_SOURCE_PREFIX)} \
        - PROVENANCE_TABLES

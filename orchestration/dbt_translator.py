"""How the dbt project shows in Dagster: groups from the dbt folders, the models' own descriptions (no raw SQL), and
a sentence for each dbt test shown as an asset check."""

import re
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings

OWNERS = ["team:vigie-data-engineering"]


def _listed(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _model(reference: str) -> str:
    """`organisms` from dbt's "ref('organisms')"."""
    return reference.removeprefix("ref(").removeprefix("source(").rstrip(")").replace("'", "").replace('"', "")


# A value read from a seed, as a bound: (select value from {{ ref('disclosure_thresholds') }} where threshold = 'x')
SEED_VALUE = re.compile(r"\(\s*select\s+(\w+)\s+from\s+\{\{\s*ref\(\s*['\"](\w+)['\"]\s*\)\s*\}\}\s+"
                        r"where\s+(\w+)\s*=\s*'([^']+)'\s*\)", re.IGNORECASE)


def _bound(value) -> str:
    """A bound as a sentence shows it: a number as it is, a column in backquotes, a seed's value by its name
    ("(select value from {{ ref('disclosure_thresholds') }} where threshold = 'x')": `x` of `disclosure_thresholds`)."""
    text = str(value).strip()
    seed_value = SEED_VALUE.fullmatch(text)
    if seed_value:
        return f"`{seed_value[4]}` of `{seed_value[2]}`"
    if re.fullmatch(r"-?[\d.]+(e-?\d+)?", text):
        return text
    return f"`{text}`"


def _within_bounds(column: str, kwargs: Mapping[str, Any]) -> str:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    tolerance = f" (to within {kwargs['tolerance']})" if kwargs.get("tolerance") else ""
    if kwargs.get("inclusive", True) in (False, "false", "False"):
        limits = [f"above {_bound(low)}" if low is not None else "", f"below {_bound(high)}" if high is not None else ""]
        return f"{column} is {' and '.join(limit for limit in limits if limit)}{tolerance}."
    if low is not None and str(low) == str(high):
        return f"{column} equals {_bound(low)}{tolerance}."
    if low is not None and high is not None:
        return f"{column} lies between {_bound(low)} and {_bound(high)}{tolerance}."
    if low is not None:
        return f"{column} is at least {_bound(low)}{tolerance}."
    return f"{column} is at most {_bound(high)}{tolerance}."


def describe_test(test: Mapping[str, Any]) -> str:
    """What a dbt test asserts, in a sentence, from its own description or its generic test and arguments."""
    if test.get("description"):
        return test["description"]
    metadata = test.get("test_metadata") or {}
    name, kwargs = metadata.get("name", test.get("name", "")), metadata.get("kwargs", {})
    column = f"`{kwargs.get('column_name')}`"
    sentences = {
        "not_null": lambda: f"{column} is never null.",
        "unique": lambda: f"{column} is unique: one row per value.",
        "accepted_values": lambda: f"{column} only takes the values {_listed(kwargs.get('values', []))}.",
        "relationships": lambda: f"Every {column} exists in `{kwargs.get('field')}` of `{_model(kwargs.get('to', ''))}`.",
        "unique_combination": lambda: f"One row per combination of {_listed(kwargs.get('columns', []))}.",
        "value_within_interval": lambda: f"`{kwargs.get('value')}` lies between `{kwargs.get('low')}` and "
                                         f"`{kwargs.get('high')}` (its confidence interval).",
        "plausible_range": lambda: f"{column} lies between {kwargs.get('min_value')} and {kwargs.get('max_value')} "
                                   "for most rows (a plausibility warning, not an error).",
        "within_bounds": lambda: _within_bounds(column, kwargs),
        "relationships_where": lambda: f"Every {column} exists in `{kwargs.get('field')}` of "
                                       f"`{_model(kwargs.get('to', ''))}` where {kwargs.get('to_condition')}.",
        "shares_sum_to": lambda: f"{column} adds up to {kwargs.get('total', 100)} in each group of "
                                 f"{_listed(kwargs.get('group_by', []))}.",
    }
    sentence = sentences[name]() if name in sentences else f"dbt test `{name or test.get('name')}`."
    config = test.get("config") or {}
    where = " ".join(str(config.get("where") or "").split())
    if where and where.lower() != "true":
        sentence = f"On the rows where {where}: {sentence[0].lower()}{sentence[1:]}"
    severity = str(config.get("severity", "error")).lower()
    return f"{sentence} dbt test, severity {severity}."


class VigieDbtTranslator(DagsterDbtTranslator):
    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """Seeds form the `reference` group; a model's group is its mission folder (models/<layer>/<mission>/)."""
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props["fqn"]
        return fqn[2] if len(fqn) > 3 else super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return OWNERS

    def get_description(self, dbt_resource_props: Mapping[str, Any]) -> str:
        """The model's or seed's own description (the dbt docs show its SQL)."""
        return dbt_resource_props.get("description") or \
            f"dbt {dbt_resource_props['resource_type']} `{dbt_resource_props['name']}`."

    def get_asset_check_spec(self, asset_spec: dg.AssetSpec, manifest: Mapping[str, Any], unique_id: str,
                             project) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=describe_test(manifest["nodes"][unique_id]))


translator = VigieDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))

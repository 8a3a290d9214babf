"""One Great Expectations suite per dataset, built from its rules, validated on in-memory batches.

GX is imported lazily (it takes several seconds) and its context is built once per process.
"""

import os
from functools import lru_cache

from quality.rules import Rule, rules_for
from vigie.protocol import DATASETS

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@lru_cache(maxsize=1)
def _context():
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints each in-memory batch under HASH_THRESHOLD bytes by hashing every cell, for batch markers that
    # nothing here reads (a batch is validated once, then dropped): a second of every million isolate rows.
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("vigie_submissions")
    return context, source.add_dataframe_asset("submission_batch").add_batch_definition_whole_dataframe("whole")


def _expectation(rule: Rule):
    import great_expectations.expectations as gxe

    common = {"severity": rule.severity, "meta": {"rule_id": rule.rule_id}}
    if rule.check == "not_null":
        return gxe.ExpectColumnValuesToNotBeNull(column=rule.column, **common)
    if rule.check == "in_set":
        return gxe.ExpectColumnValuesToBeInSet(column=rule.column, value_set=rule.params["value_set"], **common)
    if rule.check == "between":
        return gxe.ExpectColumnValuesToBeBetween(column=rule.column, **rule.params, **common)
    if rule.check == "regex":
        return gxe.ExpectColumnValuesToMatchRegex(column=rule.column, regex=rule.params["regex"], **common)
    if rule.check == "unique":
        return gxe.ExpectCompoundColumnsToBeUnique(column_list=list(rule.checked_columns), **common)
    if rule.check == "flag":
        return gxe.ExpectColumnValuesToBeInSet(column=rule.checked_columns[0], value_set=[True], **common)
    raise ValueError(f"unknown check {rule.check}")


@lru_cache(maxsize=None)
def suite_for(dataset_name: str):
    """The dataset's expectation suite, registered in the ephemeral context."""
    import great_expectations as gx

    context, _ = _context()
    suite = gx.ExpectationSuite(name=f"vigie_{dataset_name}")
    for rule in rules_for(DATASETS[dataset_name]):
        suite.add_expectation(_expectation(rule))
    return context.suites.add(suite)


def run_suite(dataset_name: str, frame):
    """Validates a pandas frame; returns the GX results with every failing row index."""
    _, batch_definition = _context()
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    return batch.validate(suite_for(dataset_name), result_format={"result_format": "COMPLETE"})

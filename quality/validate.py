"""Validates a batch of submissions of one dataset and returns findings per submission."""

from dataclasses import dataclass

import polars as pl

from quality.rules import CRITICAL, rules_for
from quality.suites import run_suite
from vigie.protocol import Dataset

MAX_LINES_KEPT = 200
MASK = "(masqué)"


@dataclass
class Finding:
    submission_id: str
    rule_id: str
    column: str
    severity: str
    message: str
    lines: list[int]
    values: list[str]
    n_failing: int

    @property
    def is_critical(self) -> bool:
        return self.severity == CRITICAL


def validate_batch(frame: pl.DataFrame, text_frame: pl.DataFrame, dataset: Dataset) -> list[Finding]:
    """`frame` holds typed columns and rule flags, `text_frame` the cells as written; both carry
    `_submission_id` and `_line`, row for row. Every failing row is attributed to its own submission."""
    results = run_suite(dataset.name, frame.to_pandas())
    rules = {rule.rule_id: rule for rule in rules_for(dataset)}
    findings: list[Finding] = []
    for result in results.results:
        if result.success:
            continue
        rule = rules[result.expectation_config.meta["rule_id"]]
        indexes = result.result.get("unexpected_index_list")
        if indexes is None:
            raise RuntimeError(f"rule {rule.rule_id} could not be evaluated: {result.exception_info}")
        findings += _findings_for(rule, indexes, text_frame, dataset)
    return findings


def _findings_for(rule, indexes: list[int], text_frame: pl.DataFrame, dataset: Dataset) -> list[Finding]:
    masked = any(c.pseudonymised and c.name == rule.column for c in dataset.columns)
    failing = text_frame[sorted(indexes)].select(
        "_submission_id", "_line",
        (pl.lit(MASK) if masked else pl.col(rule.column).fill_null("(vide)")).cast(pl.String).alias("value")
        if rule.column in text_frame.columns else pl.lit("(colonne absente)").alias("value"),
    )
    findings = []
    for (submission_id,), rows in failing.group_by("_submission_id", maintain_order=True):
        findings.append(Finding(
            submission_id=submission_id, rule_id=rule.rule_id, column=rule.column, severity=rule.severity,
            message=rule.message, lines=rows["_line"].head(MAX_LINES_KEPT).to_list(),
            values=rows["value"].head(MAX_LINES_KEPT).to_list(), n_failing=rows.height,
        ))
    return findings

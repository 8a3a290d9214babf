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
    columns: list[str]  # every column the rule involves, the checked one first
    severity: str
    message: str
    lines: list[int]
    values: list[str]  # per failing line, the cells of `columns` as written, separated by " / "
    n_failing: int

    @property
    def column(self) -> str:
        return ", ".join(self.columns)

    @property
    def is_critical(self) -> bool:
        return self.severity == CRITICAL


def validate_batch(frame: pl.DataFrame, text_frame: pl.DataFrame, dataset: Dataset) -> list[Finding]:
    """`frame` holds typed columns and rule flags, `text_frame` the cells as written; both carry
    `_submission_id` and `_line`, row for row. Every failing row is attributed to its own submission."""
    results = run_suite(dataset.name, _for_pandas(frame))
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


def _for_pandas(frame: pl.DataFrame):
    """Text columns as categories: pandas then holds each distinct text once instead of a Python string per cell,
    and GX's set, pattern and uniqueness checks work on codes (2.5 times faster, the same failing rows)."""
    return frame.with_columns(pl.col(pl.String).cast(pl.Categorical)).to_pandas()


def _cell(name: str, text_frame: pl.DataFrame, dataset: Dataset) -> pl.Expr:
    """A cell as written, for the sender: patient identifiers masked."""
    if any(c.pseudonymised and c.name == name for c in dataset.columns):
        return pl.lit(MASK)
    if name not in text_frame.columns:
        return pl.lit("(colonne absente)")
    return pl.col(name).cast(pl.String).fill_null("(vide)")


def _findings_for(rule, indexes: list[int], text_frame: pl.DataFrame, dataset: Dataset) -> list[Finding]:
    cells = [_cell(name, text_frame, dataset) for name in rule.columns]
    failing = text_frame[sorted(indexes)].select(
        "_submission_id", "_line", pl.concat_str(cells, separator=" / ").alias("value"))
    findings = []
    for (submission_id,), rows in failing.group_by("_submission_id", maintain_order=True):
        findings.append(Finding(
            submission_id=submission_id, rule_id=rule.rule_id, columns=list(rule.columns), severity=rule.severity,
            message=rule.message, lines=rows["_line"].head(MAX_LINES_KEPT).to_list(),
            values=rows["value"].head(MAX_LINES_KEPT).to_list(), n_failing=rows.height,
        ))
    return findings

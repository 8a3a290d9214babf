"""Validates a batch of submissions of one dataset and returns findings per submission."""

from dataclasses import dataclass

import polars as pl

from quality.quoting import quoted
from quality.rules import CRITICAL, rules_for
from quality.suites import run_suite
from vigie.protocol import Dataset

MAX_LINES_KEPT = 200


@dataclass
class Finding:
    submission_id: str
    rule_id: str
    columns: list[str]  # every column the rule involves, the checked one first
    severity: str
    message: str
    lines: list[int]
    values: list[str]  # per failing line, the cells of `columns` as quoted (quality/quoting.py), separated by " / "
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
    rules = {rule.rule_id: rule for rule in rules_for(dataset)}
    checked = list(dict.fromkeys(column for rule in rules.values() for column in rule.checked_columns))
    results = run_suite(dataset.name, _for_pandas(frame.select(checked)))  # not the frame's helper columns
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


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """One finding per submission and rule from those of a file's parts: the first failing lines, every count."""
    merged: dict[tuple[str, str], Finding] = {}
    for finding in findings:
        key = (finding.submission_id, finding.rule_id)
        if key not in merged:
            merged[key] = finding
            continue
        first = merged[key]
        kept = sorted(zip(first.lines + finding.lines, first.values + finding.values))[:MAX_LINES_KEPT]
        first.lines, first.values = [line for line, _ in kept], [value for _, value in kept]
        first.n_failing += finding.n_failing
    return list(merged.values())


def _for_pandas(frame: pl.DataFrame):
    """Text columns as categories: pandas then holds each distinct text once instead of a Python string per cell,
    and GX's set, pattern and uniqueness checks work on codes (2.5 times faster, the same failing rows)."""
    return frame.with_columns(pl.col(pl.String).cast(pl.Categorical)).to_pandas()


def _cells(rows: pl.DataFrame, name: str, dataset: Dataset) -> pl.Series:
    """A column's cells for the sender: as written where nothing of their shape identifies a patient, else masked."""
    if name not in rows.columns:
        return pl.Series(name, ["(colonne absente)"] * rows.height)
    return quoted(rows[name], dataset, name).fill_null("(vide)")


def _values(rows: pl.DataFrame, columns, dataset: Dataset) -> pl.Series:
    cells = pl.DataFrame([_cells(rows, name, dataset).alias(str(i)) for i, name in enumerate(columns)])
    return cells.select(pl.concat_str(pl.all(), separator=" / ").alias("value"))["value"]


def _findings_for(rule, indexes: list[int], text_frame: pl.DataFrame, dataset: Dataset) -> list[Finding]:
    present = [name for name in dict.fromkeys(rule.columns) if name in text_frame.columns]
    failing = text_frame.select("_submission_id", "_line", *present)[sorted(indexes)]
    if rule.check == "not_null" and rule.column in present:  # a value that does not parse is a type error, not missing
        failing = failing.filter(pl.col(rule.column).is_null())
        if failing.is_empty():
            return []
    n_failing = dict(failing["_submission_id"].value_counts().iter_rows())
    kept = failing.filter(pl.int_range(pl.len()).over("_submission_id") < MAX_LINES_KEPT)
    kept = kept.select("_submission_id", "_line", _values(kept, rule.columns, dataset))
    findings = []
    for (submission_id,), rows in kept.group_by("_submission_id", maintain_order=True):
        findings.append(Finding(
            submission_id=submission_id, rule_id=rule.rule_id, columns=list(rule.columns), severity=rule.severity,
            message=rule.message, lines=rows["_line"].to_list(), values=rows["value"].to_list(),
            n_failing=n_failing[submission_id],
        ))
    return findings

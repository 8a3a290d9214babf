"""One ingestion asset per protocol dataset, all built by one factory on the shared mechanism of
`vigie.ingest`, each with its asset checks (Great Expectations findings and warehouse integrity)."""

import dagster as dg
import polars as pl

from assets.metadata import PREVIEW_ROWS, column_schema, markdown_table
from orchestration.partitions import hold_years
from orchestration.resources import VigieResource
from vigie import protocol as p, warehouse
from vigie.ingest import IngestReport, ingest_dataset
from vigie.submission import DUPLICATE, REJECTED, WARNED

OWNERS = ["team:vigie-data-engineering"]
# Plausibility of consumption needs the establishments' patient-days loaded first.
UPSTREAM = {"spares_consumption": ["raw_spares_activity"]}


def asset_key(dataset: p.Dataset) -> str:
    return f"raw_{dataset.name}"


def _check_specs(key: str) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec("files_conform", asset=key,
                          description="No file of this run was rejected by a critical rule (rejected files are "
                                      "quarantined and answered; the others go on)."),
        dg.AssetCheckSpec("no_warnings", asset=key,
                          description="Accepted files of this run carry no warning (plausibility, unknown codes)."),
        dg.AssetCheckSpec("files_answered", asset=key,
                          description="Every file of this run was moved to archive/ or quarantine/ and every receipt "
                                      "written (those an earlier run could not write included); what the disk "
                                      "refused is named with the reason and retried by the next run."),
        dg.AssetCheckSpec("current_data_integrity", asset=key, blocking=True,
                          description="The warehouse holds only accepted rows, one current submission per key, "
                                      "required values present and patient identifiers pseudonymised."),
    ]


def _findings_metadata(subs) -> dict:
    rules: dict[str, int] = {}
    samples = []
    for sub in subs:
        for f in sub.findings:
            rules[f"{f.severity}: {f.rule_id}"] = rules.get(f"{f.severity}: {f.rule_id}", 0) + f.n_failing
            samples.append(f"{sub.file.name} — {f.rule_id} ({f.column}) lignes {f.lines[:5]} valeurs {f.values[:3]}")
    return {"files": dg.MetadataValue.json([s.file.name for s in subs]),
            "failing_rules": dg.MetadataValue.json(rules),
            "samples": dg.MetadataValue.md("\n".join(f"- {s}" for s in samples[:20]) or "_none_")}


def integrity_problems(con, dataset: p.Dataset, submission_ids: list[str]) -> dict[str, int]:
    """Key uniqueness over the whole dataset; row checks on this run's rows only (cost grows with the files)."""
    con.register("run_submissions", pl.DataFrame({"submission_id": submission_ids}, schema={"submission_id": pl.String}))
    table = f"(SELECT * FROM {warehouse.raw_table(dataset)} WHERE _submission_id IN (SELECT submission_id FROM run_submissions))"
    problems = {
        "rows_of_rejected_submissions": f"""SELECT count(*) FROM {table} t LEFT JOIN raw.submissions s
            ON s.submission_id = t._submission_id
            WHERE s.status IS NULL OR s.status NOT IN ('accepted', 'accepted_with_warnings')""",
        "keys_with_several_current_submissions": f"""SELECT count(*) FROM (SELECT key_value FROM raw.submission_keys
            WHERE dataset = '{dataset.name}' AND superseded_by IS NULL GROUP BY key_value HAVING count(*) > 1)""",
    }
    for c in dataset.columns:
        if c.required:
            problems[f"missing_{c.name}"] = f'SELECT count(*) FROM {table} WHERE "{c.name}" IS NULL'
        if c.pseudonymised:
            problems[f"clear_{c.name}"] = \
                f"SELECT count(*) FROM {table} WHERE NOT regexp_full_match(\"{c.name}\", '[0-9a-f]{{32}}')"
    counts = {name: con.sql(sql).fetchall()[0][0] for name, sql in problems.items()}
    con.unregister("run_submissions")
    return counts


def _check_results(report: IngestReport, problems: dict[str, int]) -> list[dg.AssetCheckResult]:
    rejected, warned = report.by_status(REJECTED), report.by_status(WARNED)
    return [
        dg.AssetCheckResult(check_name="files_conform", passed=not rejected, severity=dg.AssetCheckSeverity.WARN,
                            metadata={"rejected_files": len(rejected), **_findings_metadata(rejected)}),
        dg.AssetCheckResult(check_name="no_warnings", passed=not warned, severity=dg.AssetCheckSeverity.WARN,
                            metadata={"files_with_warnings": len(warned), **_findings_metadata(warned)}),
        dg.AssetCheckResult(check_name="files_answered", passed=not report.undelivered,
                            severity=dg.AssetCheckSeverity.ERROR,
                            metadata={"outputs_not_written": len(report.undelivered),
                                      "not_written": dg.MetadataValue.md(
                                          "\n".join(f"- {u}" for u in report.undelivered[:50]) or "_none_")}),
        dg.AssetCheckResult(check_name="current_data_integrity", passed=not any(problems.values()),
                            severity=dg.AssetCheckSeverity.ERROR, metadata={k: v for k, v in problems.items()}),
    ]


def _materialization_metadata(report: IngestReport, con, dataset: p.Dataset) -> dict:
    table = warehouse.raw_table(dataset)
    total = con.sql(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    preview = con.sql(f"SELECT * FROM {table} ORDER BY _submission_id, _line "
                      f"LIMIT {PREVIEW_ROWS}").pl()
    counts = {status: len(report.by_status(status)) for status in ("accepted", WARNED, REJECTED, DUPLICATE)}
    return {
        "dagster/row_count": total,
        "dagster/column_schema": column_schema(dataset),
        "files_received": len(report.submissions),
        **{f"files_{status}": n for status, n in counts.items()},
        "rows_loaded_this_run": report.rows_loaded,
        "entries_left_in_landing": len(report.left),
        "left_in_landing": dg.MetadataValue.md("\n".join(f"- {left}" for left in report.left[:50]) or "_none_"),
        **{f"seconds_{stage}": dg.MetadataValue.float(round(float(report.seconds[stage]), 3))
           for stage in ("reading", "validation", "loading")},
        "table": table,
        "preview": dg.MetadataValue.md(markdown_table(preview)),
    }


def build_ingestion_asset(dataset: p.Dataset) -> dg.AssetsDefinition:
    key = asset_key(dataset)

    @dg.asset(
        name=key, group_name=dataset.mission, owners=OWNERS, kinds={"polars", "duckdb", "greatexpectations"},
        pool="warehouse", deps=UPSTREAM.get(dataset.name, []), check_specs=_check_specs(key),
        description=f"{dataset.description}\n\nIngests the files of `landing/{dataset.name}/`: validation "
                    f"(Great Expectations suite `vigie_{dataset.name}`), pseudonymisation, load into "
                    f"`raw.{dataset.name}`, archive or quarantine, and a report in French for each sender.",
        metadata={"dataset": dataset.name, "key": ", ".join(dataset.key), "dagster/column_schema": column_schema(dataset)},
    )
    def _ingest(context: dg.AssetExecutionContext, vigie: VigieResource) -> dg.MaterializeResult:
        settings = vigie.settings()
        report = ingest_dataset(dataset.name, settings, log=context.log.info)
        with warehouse.connect(settings.warehouse_path) as con:
            problems = integrity_problems(con, dataset, [s.submission_id for s in report.submissions])
            metadata = _materialization_metadata(report, con, dataset)
            version = dg.DataVersion(warehouse.accepted_data_version(con, dataset.name))
        hold_years(context.instance, warehouse.years_with_data(settings.warehouse_path))
        context.log.info(f"{len(report.submissions)} files: {metadata['files_accepted']} accepted, "
                         f"{metadata[f'files_{WARNED}']} with warnings, {metadata[f'files_{REJECTED}']} rejected, "
                         f"{metadata[f'files_{DUPLICATE}']} duplicates; {report.rows_loaded:,} rows loaded")
        for line in report.undelivered:
            context.log.warning(f"not written, retried by the next run: {line}")
        # The same data version when only rejected or duplicate files came: what reads it is not shown as stale.
        return dg.MaterializeResult(metadata=metadata, check_results=_check_results(report, problems),
                                    data_version=version)

    return _ingest


ingestion_assets = [build_ingestion_asset(d) for d in p.DATASETS.values()]
ingestion_asset_keys = {d.name: dg.AssetKey(asset_key(d)) for d in p.DATASETS.values()}

"""The end-of-run summary: files accepted, warned and rejected (with the reason), rows per table, where to look."""

import datetime as dt

from vigie import landing, protocol as p, warehouse
from vigie.reports.activity import FEEDBACK_KINDS
from vigie.reports.kinds import PARTICIPANT_REPORT_KINDS
from vigie.settings import Settings

STATUS_FR = {"accepted": "acceptés", "accepted_with_warnings": "acceptés avec avertissements",
             "rejected": "refusés", "duplicate": "doublons ignorés"}


def summary_text(settings: Settings, since: dt.datetime) -> str:
    with warehouse.connect(settings.warehouse_path, read_only=True) as con:
        outcomes = con.sql("SELECT outcome, count(*) FROM raw.receipts WHERE processed_at >= ? GROUP BY 1 ORDER BY 1",
                           params=[since.replace(microsecond=0)]).fetchall()
        problems = con.sql("""
            SELECT s.file_name, s.dataset, s.status, string_agg(DISTINCT v.rule_id || ' (' || v.column_name || ')', ', ')
            FROM raw.submissions s JOIN quality.validation_results v USING (submission_id)
            WHERE s.ingested_at >= ? AND s.status <> 'accepted'
            GROUP BY ALL ORDER BY s.status DESC, s.dataset, s.file_name""", params=[since.replace(microsecond=0)]).fetchall()
        rows = [(d, con.sql(f"SELECT count(*) FROM {warehouse.raw_table(p.DATASETS[d])}").fetchall()[0][0])
                for d in p.DATASETS]
    lines = ["", "Vigie — résumé du passage", "=" * 26, "Fichiers traités :"]
    lines += [f"  {n:6d} {STATUS_FR.get(status, status)}" for status, n in outcomes] or ["  aucun nouveau fichier"]
    for file_name, dataset, status, rules in problems:
        lines.append(f"  - {STATUS_FR[status]:<28} {dataset}/{file_name}: {rules}")
    left = [*landing.strays(settings.landing_dir, p.DATASETS),
            *(entry for d in p.DATASETS for entry in landing.survey(settings.landing_dir, d).left)]
    if left:
        lines.append("Laissés dans la zone de dépôt, non lus :")
        lines += [f"  - {landing.display_name(str(entry.path.relative_to(settings.landing_dir)))}: {entry.reason}"
                  for entry in left]
    lines.append("Lignes par table (raw) :")
    lines += [f"  {dataset:<24} {n:>10,}".replace(",", " ") for dataset, n in rows]
    lines += [
        f"Entrepôt DuckDB : {settings.warehouse_path}",
        f"Accusés de réception des envois : {settings.receipts_dir}",
        *(f"Rapports des participants ({FEEDBACK_KINDS[kind.participant_kind].lower()}) : {_published(settings.outputs_dir / kind.folder)} "
          f"(participant × année) dans {settings.outputs_dir / kind.folder}" for kind in PARTICIPANT_REPORT_KINDS),
        f"Sorties régionales : {_published(settings.outputs_dir / 'regional')} (région × année), rapports "
        f"d'activité : {_published(settings.outputs_dir / 'activity', '*')} dans {settings.outputs_dir}",
        f"Copie des analystes (DuckDB 1.4+, Parquet, documentation) : {settings.analysts_dir / 'current'}",
        f"Quarantaine : {settings.quarantine_dir}",
        "Interface Dagster : `vigie ui` puis http://127.0.0.1:3000",
        "Requêtes : vigie sql \"select * from staging.stg_spares_activity limit 5\"",
    ]
    return "\n".join(lines)


def _published(folder, pattern: str = "*/*") -> int:
    return sum(1 for link in folder.glob(pattern) if link.is_symlink())

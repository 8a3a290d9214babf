"""The report in French that answers each submission, written for the person who sent the file."""

import html

from vigie import landing
from vigie.settings import Settings

DATASET_LABELS = {
    "establishments": "Registre des établissements",
    "population": "Population (INSEE)",
    "spares_activity": "SPARES – activité (journées d'hospitalisation)",
    "spares_consumption": "SPARES – consommation d'antibiotiques",
    "isolates": "Résultats de laboratoire (antibiogrammes)",
    "spiadi_bacteremia": "SPIADI – épisodes de bactériémie",
    "spiadi_exposure": "SPIADI – exposition (journées et jours-dispositifs)",
    "spicmi_procedures": "SPICMI – interventions chirurgicales",
    "icsha": "MATIS – consommation de produits hydro-alcooliques (ICSHA)",
    "signalements": "Signalements d'IAS (e-SIN)",
    "community_consumption": "PRIMO – consommation d'antibiotiques en ville",
}
STATUS_LABELS = {
    "accepted": ("Accepté", "Vos données ont été intégrées."),
    "accepted_with_warnings": (
        "Accepté avec avertissements",
        "Vos données ont été intégrées. Vérifiez les points signalés ci-dessous ; renvoyez le fichier corrigé "
        "si nécessaire (le nouvel envoi remplacera celui-ci).",
    ),
    "rejected": (
        "Refusé",
        "Aucune donnée de ce fichier n'a été intégrée. Corrigez les points bloquants ci-dessous puis renvoyez "
        "le fichier complet.",
    ),
}
SEVERITY_LABELS = {"critical": "Bloquant", "warning": "Avertissement"}
LINES_SHOWN, VALUES_SHOWN = 30, 10

STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:70em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;
vertical-align:top}th{background:#f0f0f0}.critical{color:#a40000;font-weight:bold}.warning{color:#8a5a00}
.status{font-size:1.3em;font-weight:bold}"""


def _lines(finding) -> str:
    shown = ", ".join(str(n) for n in finding.lines[:LINES_SHOWN])
    more = finding.n_failing - min(len(finding.lines), LINES_SHOWN)
    return shown + (f" … et {more} autre(s)" if more > 0 else "") if shown else "–"


def _values(finding) -> str:
    distinct = list(dict.fromkeys(finding.values))[:VALUES_SHOWN]
    return ", ".join(f"« {v} »" for v in distinct) or "–"


def _findings_table(sub) -> str:
    if not sub.findings:
        return "<p>Aucune anomalie détectée.</p>"
    rows = "".join(
        f"<tr><td class='{f.severity}'>{SEVERITY_LABELS[f.severity]}</td><td>{html.escape(f.message)}</td>"
        f"<td>{html.escape(f.column or '–')}</td><td>{f.n_failing}</td><td>{html.escape(_lines(f))}</td>"
        f"<td>{html.escape(_values(f))}</td></tr>"
        for f in sorted(sub.findings, key=lambda f: (f.severity != "critical", f.rule_id))
    )
    return ("<table><tr><th>Gravité</th><th>Règle</th><th>Colonne</th><th>Lignes concernées</th>"
            "<th>Numéros de ligne (en-tête = ligne 1)</th><th>Valeurs trouvées</th></tr>" + rows + "</table>")


def render(sub) -> str:
    title, advice = STATUS_LABELS[sub.status]
    superseded = "".join(
        f"<li>clé {html.escape(key)} : remplace l'envoi {earlier[:12]}</li>" for key, earlier in sub.superseded
    )
    extra = f"<p>Colonnes non prévues par le protocole, conservées à part : {html.escape(', '.join(sub.extra_columns))}</p>" \
        if sub.extra_columns else ""
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Vigie – retour sur votre envoi</title>
<style>{STYLE}</style></head><body>
<h1>Retour sur votre envoi</h1>
<table>
<tr><th>Fichier</th><td>{html.escape(sub.file.name)}</td></tr>
<tr><th>Jeu de données</th><td>{html.escape(DATASET_LABELS.get(sub.dataset, sub.dataset))}</td></tr>
<tr><th>Expéditeur</th><td>{html.escape(sub.sender)}</td></tr>
<tr><th>Reçu le</th><td>{sub.file.received_at:%d/%m/%Y à %H:%M}</td></tr>
<tr><th>Lignes de données</th><td>{sub.n_rows}</td></tr>
<tr><th>Identifiant de l'envoi</th><td>{sub.submission_id[:12]}</td></tr>
</table>
<p class="status {'critical' if sub.status == 'rejected' else ''}">Résultat : {title}</p>
<p>{advice}</p>
{f'<p>Cet envoi remplace les données reçues précédemment :</p><ul>{superseded}</ul>' if superseded else ''}
{extra}
<h2>Contrôles</h2>
{_findings_table(sub)}
<p><small>Les identifiants de patients ne figurent jamais dans ce rapport.</small></p>
</body></html>"""


def write_feedback(sub, settings: Settings):
    """Writes the report under outputs/feedback/<sender>/, and beside the file when it is quarantined."""
    folder = settings.feedback_dir / landing.safe_name(sub.sender)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{sub.file.received_at:%Y%m%d}_{sub.dataset}_{sub.submission_id[:12]}.html"
    content = render(sub)
    (folder / name).write_text(content, encoding="utf-8")
    if sub.status == "rejected":
        (settings.quarantine_dir / sub.dataset / f"{sub.submission_id[:12]}_rapport.html").write_text(content, encoding="utf-8")
    return folder / name

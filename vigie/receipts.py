"""The receipt that answers each submission, in French, for the person who sent the file: what happened to it and,
line by line, what to fix. (The yearly report of a participant is another thing: see vigie/reports.)"""

import jinja2

from vigie.french import paris_time
from vigie.settings import TEMPLATES_DIR

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
    "duplicate": (
        "Déjà reçu",
        "Fichier déjà reçu : identique, octet pour octet, à l'envoi {first} reçu le {received} (heure de Paris) ; il "
        "n'a pas été intégré une seconde fois. Rien n'est à faire ; pour corriger des données, envoyez un fichier "
        "modifié.",
    ),
    "rejected": (
        "Refusé",
        "Aucune donnée de ce fichier n'a été intégrée. Corrigez les points bloquants ci-dessous puis renvoyez "
        "le fichier complet.",
    ),
}
SEVERITY_LABELS = {"critical": "Bloquant", "warning": "Avertissement"}
LINES_SHOWN, VALUES_SHOWN = 30, 10

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                                undefined=jinja2.StrictUndefined)


def _lines(finding) -> str:
    shown = ", ".join(str(n) for n in finding.lines[:LINES_SHOWN])
    more = finding.n_failing - min(len(finding.lines), LINES_SHOWN)
    return shown + (f" … et {more} autre(s)" if more > 0 else "") if shown else "–"


def _values(finding) -> str:
    distinct = list(dict.fromkeys(finding.values))[:VALUES_SHOWN]
    return ", ".join(f"« {v} »" for v in distinct) or "–"


def _finding_rows(sub) -> list[dict]:
    ordered = sorted(sub.findings, key=lambda f: (f.severity != "critical", f.rule_id))
    return [{"severity": f.severity, "severity_label": SEVERITY_LABELS[f.severity], "message": f.message,
             "columns": f.column or "–", "n_failing": f.n_failing, "lines": _lines(f), "found": _values(f)}
            for f in ordered]


def render(sub) -> str:
    status_label, advice = STATUS_LABELS[sub.status]
    if sub.first_received is not None:
        advice = advice.format(first=sub.submission_id[:12], received=paris_time(sub.first_received))
    return _templates.get_template("receipt.html.j2").render(
        file_name=sub.file.name, dataset_label=DATASET_LABELS.get(sub.dataset, sub.dataset), sender=sub.sender,
        received=paris_time(sub.file.received_at), n_rows=sub.n_rows, submission_id=sub.submission_id[:12],
        rejected=sub.status == "rejected", status_label=status_label, advice=advice,
        superseded=[(key.replace("|", " – "), earlier[:12]) for key, earlier in sub.superseded],
        extra_columns=sub.extra_columns, notes=sub.notes, findings=_finding_rows(sub))

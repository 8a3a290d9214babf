"""The SPARES feedback of one establishment, in French: HTML that opens offline, and the same tables as XLSX."""

import html
import io

import polars as pl
import xlsxwriter

from vigie.reports.charts import position_bars, yearly_line
from vigie.reports.spares_data import EstablishmentData

SECTORS_FR = {"ALL": "Tous secteurs", "MED": "Médecine", "CHI": "Chirurgie", "REA": "Réanimation",
              "PED": "Pédiatrie", "GYO": "Gynécologie-obstétrique", "SMR": "SMR", "SLD": "SLD", "PSY": "Psychiatrie"}
GROUPS_SHOWN = ["ALL", "J01C", "J01CR", "J01DD", "J01DH", "J01MA", "J01XA"]
RATE_UNIT = "DDJ pour 1000 journées d'hospitalisation"
STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:60em;color:#222}table{border-collapse:collapse;
margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}th{background:#f0f0f0}
td:first-child,th:first-child{text-align:left}.legend{font-size:.85em;color:#555}.flag{color:#a40000}"""


def _fmt(value, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}".replace(".", ",")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _position_rows(frame: pl.DataFrame, key: str, labels) -> list[list[str]]:
    return [[html.escape(labels(r[key])), _fmt(r["rate"]), _fmt(r["percentile"], 0), _fmt(r["p25"]), _fmt(r["p50"]),
             _fmt(r["p75"]), str(r["peers"] or "–")] for r in frame.iter_rows(named=True)]


def _aware(data: EstablishmentData) -> str:
    rates = {r["atc_group"]: r["rate"] for r in data.by_group.iter_rows(named=True)}
    j01 = rates.get("J01") or 0
    rows = [[name, _fmt(100 * (rates.get(group) or 0) / j01 if j01 else None)]
            for group, name in (("ACCESS", "Access"), ("WATCH", "Watch"), ("RESERVE", "Reserve"))]
    return _table(["Catégorie AWaRe", "Part des DDJ J01 (%)"], rows) + \
        '<p class="legend">Objectif européen 2030 : au moins 65 % de DDJ « Access ».</p>'


def _resistance(data: EstablishmentData) -> str:
    if data.resistance.is_empty():
        return "<p>Aucun résultat de laboratoire reçu pour cette année.</p>"
    rows = [[f"{r['organism']} – {r['antibiotic']}", str(r["n_tested"]),
             "<span class='flag'>effectif &lt; 30</span>" if r["low_count"] else _fmt(r["pct_resistant"]),
             "–" if r["low_count"] else f"{_fmt(r['ci_low'])} – {_fmt(r['ci_high'])}",
             "–" if r["low_count"] else _fmt(r["percentile"], 0), _band(r), _fmt(r["previous_pct"]),
             _fmt(r["national_pct"])]
            for r in data.resistance.iter_rows(named=True)]
    return _table(["Bactérie – antibiotique", "Souches testées", "% R", "IC 95 %", "Votre percentile",
                   "Catégorie : P25 – médiane – P75", "Année précédente", "% R national"], rows)


def _incidence(data: EstablishmentData) -> str:
    if data.incidence.is_empty():
        return "<p>Pas de densité d'incidence : il faut à la fois des résultats de laboratoire et des journées.</p>"
    rows = [[r["phenotype"], str(r["n_patients"]), _fmt(r["rate"], 3),
             f"{_fmt(r['ci_low'], 3)} – {_fmt(r['ci_high'], 3)}", _fmt(r["percentile"], 0), _band(r, 3),
             _fmt(r["previous_rate"], 3), _fmt(r["national_rate"], 3)]
            for r in data.incidence.iter_rows(named=True)]
    return _table(["Phénotype", "Patients", "Pour 1000 JH", "IC 95 %", "Votre percentile",
                   "Catégorie : P25 – médiane – P75", "Année précédente", "National"], rows)


def _band(row: dict, digits: int = 1) -> str:
    if row["p25"] is None:
        return "–"
    return f"{_fmt(row['p25'], digits)} – {_fmt(row['p50'], digits)} – {_fmt(row['p75'], digits)}"


def render_html(data: EstablishmentData) -> str:
    sectors = data.by_sector
    groups = data.by_group.filter(pl.col("atc_group").is_in(GROUPS_SHOWN))
    history = [(r["year"], r["rate"]) for r in data.history.filter(pl.col("atc_group") == "ALL").iter_rows(named=True)]
    bars = position_bars([(SECTORS_FR.get(r["sector"], r["sector"]), r["rate"], r["p25"], r["p50"], r["p75"])
                          for r in sectors.iter_rows(named=True)], RATE_UNIT)
    headers = ["", "Votre taux", "Votre percentile", "P25", "Médiane", "P75", "Établissements"]
    return f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>SPARES {data.year} – {html.escape(data.name)}</title><style>{STYLE}</style></head><body>
<h1>Surveillance SPARES {data.year} – votre établissement</h1>
<p>{html.escape(data.name)} (FINESS {data.finess}), catégorie {html.escape(data.category)}, région {data.region_code}.
Comparaison avec les établissements de même catégorie ayant transmis consommation et journées.</p>
<h2>Consommation d'antibiotiques par secteur</h2>{bars}
{_table(headers, _position_rows(sectors, "sector", lambda s: SECTORS_FR.get(s, s)))}
<h2>Par famille d'antibiotiques (tous secteurs)</h2>
{_table(headers, _position_rows(groups, "atc_group", lambda g: "Périmètre SPARES" if g == "ALL" else g))}
<h2>Répartition AWaRe (OMS 2023)</h2>{_aware(data)}
<h2>Évolution de votre consommation</h2>{yearly_line(history, RATE_UNIT + ", tous secteurs")}
<h2>Résistance aux antibiotiques (premières souches)</h2>{_resistance(data)}
<h2>Densité d'incidence des bactéries résistantes</h2>{_incidence(data)}
<p class="legend">Taux regroupés = somme des DDJ / somme des journées. Pourcentages de résistance calculés sur la
première souche par patient, espèce et année (dépistages exclus) ; effectifs inférieurs à 30 non interprétés.</p>
</body></html>"""


def render_xlsx(data: EstablishmentData) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheets = {"Secteurs": data.by_sector, "Familles": data.by_group, "Historique": data.history,
              "Résistance": data.resistance, "Incidence": data.incidence}
    for name, frame in sheets.items():
        frame.write_excel(workbook=workbook, worksheet=name, autofit=True)
    workbook.close()
    return buffer.getvalue()

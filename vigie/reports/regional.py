"""The regional output of each region (its CPias and ARS): the national strategy and EU 2030 indicators of the
region against the nation and their targets, their trend since the first year held, and the region's establishments
on funnel plots, outliers named (this audience only)."""

from vigie import french
from vigie.reports import charts
from vigie.reports.document import COUNT, INTERVAL, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

STRATEGY = Source("strategy", """
SELECT t.participant_id, t.year, r.indicator_code, r.label_fr, r.framework, r.unit, r.year AS data_year, r.numerator,
       r.value,
       r.ci_low, r.ci_high, r.target, r.comparison, r.target_level, r.target_year, r.status,
       n.value AS national_value, n.status AS national_status
FROM marts.strategy_indicators r
JOIN report_targets t ON t.participant_id = r.geo_code AND r.year <= t.year
LEFT JOIN marts.strategy_indicators n ON n.geo_level = 'national' AND n.indicator_code = r.indicator_code
     AND n.year = r.year
WHERE r.geo_level = 'region'
ORDER BY r.framework, r.indicator_code, r.year
""")
FUNNEL_POINTS = Source("funnel_points", """
SELECT t.participant_id, t.year, p.indicator, p.finess, coalesce(e.name, p.finess) AS name, p.exposure, p.value,
       p.national_value, p.lower_95, p.upper_95, p.lower_998, p.upper_998, p.position, p.dispersion_ratio
FROM marts.establishment_funnel_points p
JOIN report_targets t ON t.participant_id = p.region_code AND t.year = p.year
LEFT JOIN marts.report_participants e ON e.participant_kind = 'establishment' AND e.participant_id = p.finess
     AND e.year = p.year
ORDER BY p.indicator, p.value DESC
""")
FUNNEL_CURVES = Source("funnel_curves", """
SELECT t.participant_id, t.year, c.* EXCLUDE (year)
FROM marts.funnel_limit_curves c
JOIN report_targets t ON t.year = c.year
ORDER BY c.indicator, c.exposure
""")
INDICATORS = Source("funnel_indicators", """
SELECT t.participant_id, t.year, i.*
FROM reference.funnel_indicators i CROSS JOIN report_targets t
""")


def target_text(row: dict) -> str:
    if row["target"] is None:
        return "–"
    if row["comparison"] == "change_at_most":
        return f"{french.number(row['target'], 0)} % par rapport à la référence en {row['target_year']}"
    sign = "≥" if row["comparison"] == "at_least" else "≤"
    return f"{sign} {french.number(row['target'], 1)} en {row['target_year']}"


def strategy(data: ParticipantData) -> list[Section]:
    rows = data.frames[STRATEGY.name].to_dicts()
    current = [r for r in rows if r["data_year"] == data.year]
    if not current:
        return []
    statuses = data.labels.statuses
    table = Table(
        "Indicateurs de la stratégie nationale et cibles européennes 2030",
        [Column("Indicateur", TEXT), Column("Unité", TEXT), Column("Numérateur", COUNT),
         Column("Région", NUMBER, 2, depends_on=(2,)), Column("IC 95 %", INTERVAL, 2, depends_on=(2,)),
         Column("France", NUMBER, 2), Column("Cible", TEXT), Column("Statut de la région", TEXT, depends_on=(2,)),
         Column("Statut de la France", TEXT)],
        [[r["label_fr"], r["unit"], r["numerator"], r["value"],
          (r["ci_low"], r["ci_high"]) if r["ci_low"] is not None else None,
          r["national_value"], target_text(r), statuses.get(r["status"], r["status"]),
          statuses.get(r["national_status"], r["national_status"] or "–")] for r in current],
        sheet="Stratégie")
    years = sorted({r["data_year"] for r in rows})
    values = {(r["indicator_code"], r["data_year"]): r["value"] for r in rows}
    trend = Table("Évolution des indicateurs de la région", [Column("Indicateur", TEXT)]
                  + [Column(str(y), NUMBER, 2) for y in years],
                  [[r["label_fr"], *[values.get((r["indicator_code"], y)) for y in years]] for r in current],
                  sheet="Évolution", restricted=True)  # its small numerators are not shown to be masked
    return [Section("regional_strategy", "Indicateurs de la stratégie nationale et cibles européennes", "",
                    [table, trend])]


def funnels(data: ParticipantData) -> list[Section]:
    points = data.frames[FUNNEL_POINTS.name].to_dicts()
    if not points:
        return []
    curves = data.frames[FUNNEL_CURVES.name].to_dicts()
    warning = data.labels.parameters["funnel_dispersion_warning"]
    blocks = []
    for indicator in data.frames[INDICATORS.name].to_dicts():
        own = [p for p in points if p["indicator"] == indicator["indicator"]]
        if not own:
            continue
        blocks += _funnel_blocks(indicator, own, [c for c in curves if c["indicator"] == indicator["indicator"]],
                                 warning, data.labels)
    return [Section("regional_funnels", "Les établissements de la région sur les graphiques en entonnoir",
                    "Chaque point est un établissement de la région ; les courbes sont les limites de contrôle à 95 % "
                    "(tirets) et 99,8 % (trait plein) autour de la valeur nationale. Les établissements au-delà des "
                    "limites à 99,8 % sont en rouge, nommés sur le graphique quand ils sont peu nombreux et toujours "
                    "dans le tableau qui le suit : cette information est réservée au CPias et à l'ARS de la région.",
                    blocks, restricted=True)]


def _funnel_blocks(indicator: dict, points: list[dict], curves: list[dict], warning: float, labels: Labels) -> list:
    beyond_998 = [p for p in points if p["position"] in ("above_998", "below_998")]
    # Named on the chart while the names stay legible; beyond that, the table under it names them all.
    highlighted = {p["finess"] for p in beyond_998}
    named = highlighted if len(highlighted) <= int(labels.parameters["funnel_named_max"]) else set()
    shown = [{"name": p["name"], "exposure": p["exposure"], "value": p["value"],
              "outside_998": p["finess"] in highlighted, "named": p["finess"] in named} for p in points]
    blocks = [charts.funnel(shown, curves, indicator["unit_fr"], indicator["exposure_fr"],
                            f"{indicator['label_fr']} : les établissements de la région et les limites de contrôle.")]
    ratio = points[0]["dispersion_ratio"]
    if ratio is not None and ratio > warning:
        blocks.append(f"{indicator['label_fr']} : les établissements sont bien plus dispersés que la loi ne le prévoit "
                      f"(rapport de dispersion {french.number(ratio, 1)}) ; les limites en signalent trop : à lire "
                      "comme une indication.")
    outside = [p for p in points if p["position"] != "within"]
    if outside:
        blocks.append(Table(
            f"{indicator['label_fr']} : établissements hors des limites à 95 %",
            [Column("Établissement", TEXT), Column("Valeur", NUMBER, 2, indicator["unit_fr"]),
             Column("France", NUMBER, 2), Column("Limites à 95 %", INTERVAL, 2),
             Column("Limites à 99,8 %", INTERVAL, 2), Column("Position", TEXT)],
            [[f"{p['name']} ({p['finess']})", p["value"], p["national_value"], (p["lower_95"], p["upper_95"]),
              (p["lower_998"], p["upper_998"]), labels.funnel_positions.get(p["position"], p["position"])]
             for p in outside], sheet=f"Entonnoir {indicator['indicator']}"[:31]))
    return blocks


def sections(data: ParticipantData) -> list[Section]:
    return strategy(data) + funnels(data)


STRATEGY_STATUS_METHOD = (
    "Stratégie : une cible est « en bonne voie » quand la droite des moindres carrés des années disponibles, "
    "prolongée jusqu'à l'année de la cible, l'atteint ; une cible de variation se mesure par rapport à l'année de "
    "référence (2019 pour les cibles européennes), « données insuffisantes » sans cette année.")


def methods(labels: Labels) -> list[str]:
    return [STRATEGY_STATUS_METHOD,
            "Graphiques en entonnoir : limites exactes (loi de Poisson) autour de la valeur nationale, interpolées "
            "entre les effectifs entiers (Spiegelhalter, 2005), sans correction de surdispersion."]


REGIONAL = Contribution(sources=(STRATEGY, FUNNEL_POINTS, FUNNEL_CURVES, INDICATORS), sections=sections,
                        methods=methods)

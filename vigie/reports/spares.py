"""SPARES sections of an establishment's report: consumption by sector and by ATC group, AWaRe shares and their
trend, key resistances, resistance phenotypes and resistant-bacteria incidence, each against the establishment's
peers (marts.establishment_comparisons: disclosure-controlled) and the nation."""

from vigie import french
from vigie.reports import charts, comparisons
from vigie.reports.comparisons import COMPARISONS, interval, position, position_columns, remark
from vigie.reports.document import COUNT, INTERVAL, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

RATE = "DDJ pour 1000 JH"
HISTORY = Source("spares_history", """
SELECT t.participant_id, t.year, c.year AS data_year, c.ddd_per_1000_patient_days AS rate
FROM marts.consumption_rates c
JOIN report_targets t ON t.participant_id = c.geo_code AND c.year <= t.year
WHERE c.geo_level = 'establishment' AND c.sector = 'ALL' AND c.atc_group = 'ALL'
ORDER BY c.year
""")


def _consumption_table(title: str, heading: str, rows: list[dict], label, sheet: str) -> Table:
    columns = [Column(heading, TEXT), Column("Votre taux", unit=RATE), Column("DDJ", COUNT),
               Column("Journées", COUNT), *position_columns(RATE), Column("Année précédente", unit=RATE),
               Column("France", unit=RATE)]
    body = [[label(r), r["value"], r["numerator"], r["denominator"], *position(r), r["previous_value"],
             r["national_value"]] for r in rows]
    return Table(title, columns, body, sheet=sheet)


def _position_chart(rows: list[dict], label, title: str, description: str):
    points = [{"label": label(r), "value": r["value"], "p25": r["p25"], "p50": r["p50"], "p75": r["p75"],
               "national": r["national_value"]} for r in rows if r["value"] is not None]
    return charts.position(points, title, RATE, description)


LEGEND = ("● votre établissement ; barre bleue : de P25 à P75 du groupe de comparaison ; trait : médiane du "
          "groupe ; croix : France.")


def consumption(data: ParticipantData) -> list[Section]:
    labels = data.labels
    rows = comparisons.rows(data, "consumption")
    if not rows:
        return []
    sector_order = list(labels.sectors)
    by_sector = sorted((r for r in rows if r["stratum_2"] == "ALL"), key=lambda r: sector_order.index(r["stratum_1"]))
    group_order = list(labels.atc_groups)
    by_group = sorted((r for r in rows if r["stratum_1"] == "ALL" and r["stratum_2"] not in ("ACCESS", "WATCH", "RESERVE")),
                      key=lambda r: group_order.index(r["stratum_2"]))
    sector = lambda r: labels.sectors.get(r["stratum_1"], r["stratum_1"])  # noqa: E731
    group = lambda r: labels.atc_groups.get(r["stratum_2"], r["stratum_2"])  # noqa: E731
    return [
        Section("spares_consumption_sectors", "Consommation d'antibiotiques par secteur",
                "Périmètre SPARES (antibactériens J01, rifampicine, nitro-imidazolés oraux, fidaxomicine), en doses "
                "définies journalières (DDJ) pour 1000 journées d'hospitalisation (JH).",
                [_position_chart(by_sector, sector, "Secteur", LEGEND),
                 _consumption_table("Par secteur d'activité", "Secteur", by_sector, sector, "Secteurs")]),
        Section("spares_consumption_groups", "Consommation par famille d'antibiotiques (tous secteurs)", "",
                [_consumption_table("Par famille (classification ATC)", "Famille d'antibiotiques", by_group, group,
                                            "Familles")]),
        _aware(data, rows),
    ]


def _aware(data: ParticipantData, rows: list[dict]) -> Section:
    labels = data.labels
    values = {r["stratum_2"]: r for r in rows if r["stratum_1"] == "ALL"}
    j01 = values.get("J01")

    def share(code: str, field: str):
        own, total = (values.get(code) or {}).get(field), (j01 or {}).get(field)
        return 100 * own / total if own is not None and total else None

    body = [[labels.atc_groups[c], share(c, "value"), share(c, "previous_value"), share(c, "national_value")]
            for c in ("ACCESS", "WATCH", "RESERVE")]
    table = Table("Part de chaque catégorie AWaRe dans les DDJ d'antibactériens J01",
                  [Column("Catégorie AWaRe (OMS 2023)", TEXT), Column("Votre part", unit="%"),
                   Column("Année précédente", unit="%"), Column("France", unit="%")], body, sheet="AWaRe")
    label, value, comparison, unit, year, source = labels.targets["ACCESS_SHARE"]
    target = (f"Objectif ({source}) : {label} d'{'au moins' if comparison == 'at_least' else 'au plus'} "
              f"{french.number(value, 0)} {unit} en {year}.")
    history = [{"year": r["data_year"], "value": r["rate"]} for r in data.frames[HISTORY.name].to_dicts()]
    trend = charts.trend(history, RATE, "Votre consommation, tous secteurs, au fil des années.")
    trend_table = Table("Votre consommation au fil des années (tous secteurs)",
                        [Column("Année", TEXT), Column("Votre taux", unit=RATE)],
                        [[str(p["year"]), p["value"]] for p in history], sheet="Historique")
    return Section("spares_aware", "Antibiotiques « Access », « Watch » et « Reserve », et évolution", "",
                   [table, target, trend, trend_table])


def resistance(data: ParticipantData) -> list[Section]:
    labels = data.labels
    minimum = f"moins de {int(labels.thresholds['min_isolates_resistance'])} souches testées"
    key = comparisons.rows(data, "resistance")
    phenotypes = comparisons.rows(data, "phenotype")
    incidence = comparisons.rows(data, "incidence")
    if not (key or phenotypes or incidence):
        return []
    blocks = []
    if key:
        columns = [Column("Bactérie", TEXT), Column("Antibiotique", TEXT), Column("Souches testées", COUNT),
                   Column("Résistantes", unit="% R"), Column("IC 95 %", INTERVAL, unit="% R"),
                   *position_columns("% R"), Column("Année précédente", unit="% R"), Column("France", unit="% R")]
        body = [[labels.organism(r["stratum_1"]), labels.antibiotics.get(r["stratum_2"], r["stratum_2"]),
                 r["denominator"], r["value"], interval(r), *position(r), r["previous_value"],
                 r["national_value"]] for r in key]
        blocks.append(Table("Résistances clés (premières souches, établissement)", columns, body,
                            [remark(r, minimum) for r in key], sheet="Résistances"))
    if phenotypes:
        order = list(labels.phenotypes)
        phenotypes.sort(key=lambda r: (order.index(r["stratum_1"]), r["stratum_2"] != "Enterobacterales",
                                       r["stratum_2"]))
        columns = [Column("Phénotype", TEXT), Column("Micro-organisme", TEXT), Column("Souches testées", COUNT),
                   Column("Avec le phénotype", unit="%"), Column("IC 95 %", INTERVAL, unit="%"),
                   *position_columns("%"), Column("Année précédente", unit="%"), Column("France", unit="%")]
        body = [[labels.phenotype(r["stratum_1"]), labels.organism(r["stratum_2"]), r["denominator"], r["value"],
                 interval(r), *position(r), r["previous_value"], r["national_value"]] for r in phenotypes]
        blocks.append(Table("Phénotypes de résistance (premières souches)", columns, body,
                            [remark(r, minimum) for r in phenotypes], sheet="Phénotypes"))
    if incidence:
        patients = f"moins de {int(labels.thresholds['min_patients_incidence'])} patients"
        per_days = "pour 1000 JH"
        columns = [Column("Bactérie résistante", TEXT), Column("Patients", COUNT),
                   Column("Densité d'incidence", NUMBER, 3, per_days), Column("IC 95 %", INTERVAL, 3, per_days),
                   *position_columns(per_days, 3), Column("Année précédente", NUMBER, 3, per_days),
                   Column("France", NUMBER, 3, per_days)]
        body = [[labels.incidence.get(r["stratum_1"], r["stratum_1"]), r["numerator"], r["value"], interval(r),
                 *position(r), r["previous_value"], r["national_value"]] for r in incidence]
        blocks.append(Table("Densité d'incidence des bactéries résistantes (patients pour 1000 JH)", columns, body,
                            [remark(r, patients) for r in incidence], sheet="Incidence"))
    return [Section("spares_resistance", "Résistance aux antibiotiques",
                    "Première souche par patient, espèce et année (dépistages exclus), résultats de votre laboratoire "
                    "pour les patients hospitalisés. % R = souches résistantes / souches testées.", blocks)]


def methods(labels: Labels) -> list[str]:
    phenotypes = "; ".join(f"{labels.phenotype(p)} : {d}" for p, d in labels.definitions.items())
    return [
        "Consommation : quantités converties dans l'unité de la DDJ de l'OMS pour chaque code ATC et voie, puis "
        "divisées par cette DDJ. Les taux regroupés (France, groupes) rapportent la somme des DDJ à la somme des "
        "journées. Conventions de calcul : " + " ; ".join(labels.conventions) + ".",
        "Résistance : souches dont le micro-organisme et l'antibiotique figurent dans les listes de référence ; "
        "intervalle de confiance à 95 % de Wilson (exact de Poisson pour les densités d'incidence). Phénotypes : "
        + phenotypes + ".",
    ]


SPARES = Contribution(sources=(COMPARISONS, HISTORY), sections=lambda d: consumption(d) + resistance(d),
                      methods=methods)

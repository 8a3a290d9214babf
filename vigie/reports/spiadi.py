"""SPIADI sections of an establishment's report: its bacteraemia acquired in the establishment per 1000
patient-days, by sector, against its peers and the nation, and per 1000 device-days of each device."""

from vigie.reports import comparisons
from vigie.reports.comparisons import COMPARISONS, interval, position, position_columns, remark
from vigie.reports.document import COUNT, INTERVAL, NUMBER, TEXT, Column, Section, Table
from vigie.reports.labels import Labels
from vigie.reports.mechanism import Contribution, ParticipantData, Source

PER_DAYS = "pour 1000 JH"
DEVICES = Source("spiadi_devices", """
SELECT t.participant_id, t.year, d.device, d.n_episodes, d.device_days, d.per_1000_device_days, d.ci_low, d.ci_high,
       n.per_1000_device_days AS national_rate
FROM marts.device_rates d
JOIN report_targets t ON t.participant_id = d.geo_code AND t.year = d.year
LEFT JOIN marts.device_rates n ON n.geo_level = 'national' AND n.year = d.year AND n.sector = 'ALL'
     AND n.device = d.device
WHERE d.geo_level = 'establishment' AND d.sector = 'ALL'
ORDER BY d.device
""")


def sections(data: ParticipantData) -> list[Section]:
    labels = data.labels
    rows = comparisons.rows(data, "bacteremia")
    if not rows:
        return []
    order = list(labels.sectors)
    rows.sort(key=lambda r: order.index(r["stratum_1"]))
    small = f"moins de {int(labels.thresholds['min_patients_incidence'])} épisodes"
    columns = [Column("Secteur", TEXT), Column("Épisodes", COUNT), Column("Journées", COUNT),
               Column("Bactériémies", NUMBER, 2, PER_DAYS), Column("IC 95 %", INTERVAL, 2, PER_DAYS),
               *position_columns(PER_DAYS, 2), Column("Année précédente", NUMBER, 2, PER_DAYS),
               Column("France", NUMBER, 2, PER_DAYS)]
    body = [[labels.sectors.get(r["stratum_1"], r["stratum_1"]), r["numerator"], r["denominator"], r["value"],
             interval(r), *position(r), r["previous_value"], r["national_value"]] for r in rows]
    blocks = [Table("Bactériémies associées aux soins acquises dans l'établissement", columns, body,
                    [remark(r, small) for r in rows], sheet="Bactériémies")]
    devices = data.frames[DEVICES.name].to_dicts()
    if devices:
        per_device = "pour 1000 jours-dispositif"
        blocks.append(Table(
            "Bactériémies liées à un dispositif, pour 1000 jours de ce dispositif (tous secteurs)",
            [Column("Dispositif", TEXT), Column("Épisodes", COUNT), Column("Jours-dispositif", COUNT),
             Column("Taux", NUMBER, 2, per_device), Column("IC 95 %", INTERVAL, 2, per_device),
             Column("France", NUMBER, 2, per_device)],
            [[labels.devices.get(d["device"], d["device"]), d["n_episodes"], d["device_days"], d["per_1000_device_days"],
              interval(d), d["national_rate"]] for d in devices], sheet="Dispositifs"))
    return [Section("spiadi", "Bactériémies associées aux dispositifs invasifs (SPIADI)",
                    "Épisodes acquis dans votre établissement ; les épisodes acquis ailleurs sont comptés à part dans "
                    "le classeur des indicateurs nationaux.", blocks)]


def methods(labels: Labels) -> list[str]:
    return ["Bactériémies : épisodes acquis dans l'établissement, rapportés aux journées d'hospitalisation ou aux "
            "jours-dispositif déclarés ; intervalle de confiance exact de Poisson."]


SPIADI = Contribution(sources=(COMPARISONS, DEVICES), sections=sections, methods=methods)

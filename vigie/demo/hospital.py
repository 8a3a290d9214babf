"""Synthetic hospital submissions: activity, antibiotic consumption, SPIADI, SPICMI and ICSHA."""

import datetime as dt

import numpy as np
import polars as pl

from vigie.demo.registry import CATEGORY_SECTORS, Establishment

OCCUPANCY = 0.82
# Target DDD per 1000 patient-days by sector (DOMAIN.md §3, middle of the ranges).
SECTOR_DDD_RATE = {"REA": 1450, "MED": 475, "CHI": 425, "PED": 300, "GYO": 200, "SMR": 160, "SLD": 75, "PSY": 45}
# (ATC, route, share of DDD, DDD in g or MU, unit written by the pharmacy)
ANTIBIOTIC_MIX = [
    ("J01CA04", "O", 0.150, 1.5, "g"), ("J01CA04", "P", 0.050, 3.0, "g"),
    ("J01CR02", "O", 0.130, 1.5, "g"), ("J01CR02", "P", 0.070, 3.0, "g"),
    ("J01DD04", "P", 0.075, 2.0, "g"), ("J01DD01", "P", 0.030, 4.0, "g"),
    ("J01CR05", "P", 0.045, 14.0, "g"), ("J01DB04", "P", 0.040, 3.0, "g"),
    ("J01MA02", "O", 0.030, 1.0, "g"), ("J01MA01", "O", 0.020, 0.4, "g"),
    ("J01MA12", "O", 0.020, 0.5, "g"), ("J01XA01", "P", 0.020, 2.0, "g"),
    ("J01DH02", "P", 0.015, 3.0, "g"), ("J01DH51", "P", 0.005, 2.0, "g"),
    ("J01GB03", "P", 0.015, 0.24, "mg"), ("J01GB06", "P", 0.008, 1.0, "g"),
    ("J01XD01", "P", 0.030, 1.5, "g"), ("P01AB01", "O", 0.025, 2.0, "g"),
    ("J01FF01", "O", 0.015, 1.2, "g"), ("J01EE01", "O", 0.030, 1.6, "g"),
    ("J04AB02", "O", 0.020, 0.6, "g"), ("J01FA10", "O", 0.030, 0.3, "g"),
    ("J01XX08", "O", 0.008, 1.2, "g"), ("J01XB01", "P", 0.004, 9.0, "MU"),
    ("A07AA12", "O", 0.003, 0.4, "g"), ("J01DE01", "P", 0.010, 4.0, "g"),
    ("J01DD02", "P", 0.008, 4.0, "g"), ("J01AA02", "O", 0.030, 0.1, "g"),
    ("J01CF04", "P", 0.020, 2.0, "g"), ("J01XX01", "O", 0.010, 3.0, "g"),
]
PORTALS = ["CVC", "PICC", "PORT", "PVC", "ART", "HD", "URINARY", "PULM", "DIGEST", "SKIN", "SSI", "OTHER", "UNKNOWN"]
PORTAL_WEIGHTS = [0.14, 0.06, 0.06, 0.06, 0.01, 0.02, 0.22, 0.09, 0.14, 0.05, 0.04, 0.03, 0.08]
ICU_PORTAL_WEIGHTS = [0.35, 0.05, 0.02, 0.04, 0.04, 0.04, 0.10, 0.18, 0.10, 0.02, 0.01, 0.02, 0.03]
DEVICE_PORTALS = {"CVC", "PICC", "PORT", "PVC", "ART", "HD"}
BACTERAEMIA_ORGANISMS = ["ESCCOL", "STAAUR", "Staphylococcus epidermidis", "KLEPNE", "ENCFAE", "PSEAER",
                         "Enterobacter cloacae", "Candida albicans"]
PROCEDURES = ["CHOL", "COLO", "CSEC", "HPRO", "KPRO", "LAM", "HERN", "CABG", "CARD", "REC"]
IMPLANT_PROCEDURES = {"HPRO", "KPRO", "CABG", "CARD", "REC"}
MEDIAN_DURATION = {"CHOL": 80, "COLO": 180, "CSEC": 50, "HPRO": 95, "KPRO": 100, "LAM": 110, "HERN": 60,
                   "CABG": 240, "CARD": 220, "REC": 150}
FRICTIONS = {"REA": 48, "MED": 7, "CHI": 7, "GYO": 5, "PED": 5, "SMR": 5, "SLD": 4, "PSY": 2, "ER": 1,
             "BLOC": 7, "DIAL": 4}


def patient_days(rng, es: Establishment, year: int) -> dict[str, int]:
    total = es.beds * 365 * OCCUPANCY * rng.normal(1.0, 0.04) * (1.01 ** (year - 2019))
    return {s: int(total * share) for s, share in CATEGORY_SECTORS[es.category].items()}


def activity(rng, es: Establishment, year: int, days: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({
        "finess": es.finess, "year": year, "sector": list(days),
        "patient_days": list(days.values()),
        "admissions": [max(1, int(d / rng.uniform(4, 9))) for d in days.values()],
    })


def consumption(rng, es: Establishment, year: int, days: dict[str, int]) -> pl.DataFrame:
    level = rng.lognormal(-0.016, 0.18)  # the establishment's own prescribing level, mean 1
    rows = []
    shares = np.array([m[2] for m in ANTIBIOTIC_MIX])
    for sector, jh in days.items():
        ddd_total = SECTOR_DDD_RATE[sector] * level * (1.01 ** (year - 2023)) * jh / 1000
        weights = rng.dirichlet(shares * 60)
        for (atc, route, _, ddd, unit), weight in zip(ANTIBIOTIC_MIX, weights):
            quantity = ddd_total * weight * ddd
            if quantity < 0.5:
                continue
            for part in _presentations(rng, quantity):
                written = round(part * 1000) if unit == "mg" else round(part, 2)
                rows.append((es.finess, year, sector, atc, route, written, unit))
    return pl.DataFrame(rows, schema={"finess": pl.String, "year": pl.Int64, "sector": pl.String,
                                      "atc_code": pl.String, "route": pl.String, "quantity": pl.Float64,
                                      "unit": pl.String}, orient="row")


def _presentations(rng, quantity: float) -> list[float]:
    """One row per product or presentation: the same ATC and route may come on several rows."""
    if rng.random() < 0.3:
        split = rng.uniform(0.2, 0.8)
        return [quantity * split, quantity * (1 - split)]
    return [quantity]


def spiadi(rng, es: Establishment, year: int, days: dict[str, int]):
    exposure = pl.DataFrame({
        "finess": es.finess, "year": year, "sector": list(days), "patient_days": list(days.values()),
        "cvc_days": [int(d * (0.55 if s == "REA" else 0.04)) for s, d in days.items()],
        "picc_days": [int(d * (0.08 if s == "REA" else 0.02)) for s, d in days.items()],
        "port_days": [int(d * 0.03) for d in days.values()],
        "pvc_days": [int(d * (0.5 if s in ("REA", "CHI", "MED") else 0.1)) for s, d in days.items()],
    })
    episodes = []
    for sector, jh in days.items():
        rate = 2.0 if sector == "REA" else 0.4
        for _ in range(rng.poisson(rate * jh / 1000)):
            portal = str(rng.choice(PORTALS, p=ICU_PORTAL_WEIGHTS if sector == "REA" else PORTAL_WEIGHTS))
            n = len(episodes) + 1
            episodes.append((es.finess, year, f"B{year}{n:05d}", f"H{rng.integers(1, 10**6):06d}",
                             _random_date(rng, year), sector, str(rng.choice(BACTERAEMIA_ORGANISMS)), portal,
                             "Y" if portal in DEVICE_PORTALS else "N",
                             str(rng.choice(["THIS_ES", "OTHER_ES", "COMMUNITY"], p=[0.8, 0.08, 0.12]))))
    bacteremia = pl.DataFrame(episodes, schema=["finess", "year", "episode_id", "patient_id", "sample_date", "sector",
                                                "organism", "portal", "device_associated", "acquisition"], orient="row")
    return bacteremia, exposure


def _random_date(rng, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))


def spicmi(rng, es: Establishment, year: int, surgical_days: int) -> pl.DataFrame:
    n = max(5, int(surgical_days / 120))  # SPICMI follows a sample of procedures
    codes = rng.choice(PROCEDURES, size=n)
    rows = []
    for i, code in enumerate(codes):
        asa = int(rng.choice([1, 2, 3, 4], p=[0.3, 0.45, 0.2, 0.05]))
        wound = int(rng.choice([1, 2, 3, 4], p=[0.6, 0.3, 0.07, 0.03]))
        duration = max(10, int(rng.lognormal(np.log(MEDIAN_DURATION[code]), 0.35)))
        implant = "Y" if code in IMPLANT_PROCEDURES else "N"
        risk = (asa >= 3) + (wound >= 3) + (duration > MEDIAN_DURATION[code] * 1.27)
        followup = 90 if implant == "Y" else 30
        infected = rng.random() < 0.007 * (1 + 1.4 * risk)
        date = _random_date(rng, year)
        rows.append((es.finess, year, f"S{year}{i + 1:05d}", f"H{rng.integers(1, 10**6):06d}", str(code), date, asa,
                     wound, duration, implant, "Y" if infected else "N",
                     str(rng.choice(["SUP", "DEEP", "ORGAN"], p=[0.5, 0.3, 0.2])) if infected else None,
                     date + dt.timedelta(days=int(rng.integers(3, followup))) if infected else None, followup))
    return pl.DataFrame(rows, schema={"finess": pl.String, "year": pl.Int64, "procedure_id": pl.String,
                                      "patient_id": pl.String, "procedure_code": pl.String,
                                      "procedure_date": pl.Date, "asa": pl.Int64, "wound_class": pl.Int64,
                                      "duration_min": pl.Int64, "implant": pl.String, "ssi": pl.String,
                                      "ssi_depth": pl.String, "ssi_date": pl.Date, "followup_days": pl.Int64},
                        orient="row")


def icsha(rng, es: Establishment, year: int, days: dict[str, int]) -> pl.DataFrame:
    volumes = dict(days)
    if es.category in ("CHU", "CH"):
        volumes["ER"] = int(es.beds * rng.uniform(80, 140))
    if "CHI" in days:
        volumes["BLOC"] = int(days["CHI"] / rng.uniform(3, 6))
    if es.category in ("CHU", "CH") and rng.random() < 0.5:
        volumes["DIAL"] = int(rng.uniform(3000, 15000))
    target_liters = sum(v * FRICTIONS[a] for a, v in volumes.items()) * 3 / 1000
    liters = round(target_liters * max(0.05, rng.normal(0.75, 0.25)), 1)
    activities = list(volumes)
    if rng.random() < 0.5:  # the total repeated on every row
        return pl.DataFrame({"finess": es.finess, "year": year, "activity": activities,
                             "activity_volume": [float(v) for v in volumes.values()], "hand_rub_liters": liters})
    return pl.DataFrame({"finess": es.finess, "year": year, "activity": [*activities, "TOTAL"],
                         "activity_volume": [*(float(v) for v in volumes.values()), None],
                         "hand_rub_liters": [None] * len(activities) + [liters]})

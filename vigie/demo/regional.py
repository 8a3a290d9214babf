"""Synthetic IAS reports (e-SIN) and community antibiotic consumption (PRIMO)."""

import datetime as dt

import numpy as np
import polars as pl

# Community mix: (ATC, route, share of DDD, DDD in g), amoxicillin first.
COMMUNITY_MIX = [("J01CA04", "O", 0.36, 1.5), ("J01CR02", "O", 0.20, 1.5), ("J01FA10", "O", 0.08, 0.3),
                 ("J01AA02", "O", 0.07, 0.1), ("J01DC04", "O", 0.04, 1.0), ("J01DD13", "O", 0.03, 0.4),
                 ("J01MA02", "O", 0.03, 1.0), ("J01MA12", "O", 0.02, 0.5), ("J01EE01", "O", 0.03, 1.6),
                 ("J01XX01", "O", 0.03, 3.0), ("J01XE01", "O", 0.03, 0.2), ("J01FA09", "O", 0.04, 0.5),
                 ("J01FF01", "O", 0.02, 1.2), ("J01CE02", "O", 0.02, 2.0)]
CASES_BY_RESISTANCE = {"CPE": 0.30, "VRE": 0.08, "MRSA": 0.05, "ESBL": 0.07, "OTHER": 0.2, "NONE": 0.3}
ORGANISM_BY_RESISTANCE = {"CPE": "KLEPNE", "VRE": "ENCFAI", "MRSA": "STAAUR", "ESBL": "ESCCOL", "OTHER": "PSEAER"}
NONE_ORGANISMS = ["Clostridioides difficile", "Norovirus", "Sarcoptes scabiei", "Influenza virus", None]


def community_consumption(rng, department: str, year: int, population: int) -> pl.DataFrame:
    """About 20.9 DDD per 1000 inhabitants per day and 821 prescriptions per 1000 inhabitants."""
    did = rng.normal(20.9, 2.0) * (0.995 ** (year - 2019))
    total_ddd = did * population * 365 / 1000
    prescriptions = rng.normal(821, 60) * population / 1000
    weights = rng.dirichlet(np.array([m[2] for m in COMMUNITY_MIX]) * 200)
    return pl.DataFrame({
        "department": department, "year": year,
        "atc_code": [m[0] for m in COMMUNITY_MIX], "route": [m[1] for m in COMMUNITY_MIX],
        "quantity": [round(total_ddd * w * m[3], 1) for m, w in zip(COMMUNITY_MIX, weights)],
        "unit": "g", "prescriptions": [int(prescriptions * w) for w in weights],
    })


def signalements(rng, finess_list: list[str], year: int, today: dt.date) -> pl.DataFrame:
    """IAS reports of one year: criteria, agent, cases and deaths, follow-up to closure."""
    n = max(3, int(len(finess_list) * rng.uniform(0.6, 1.0)))
    rows = []
    resistance_names = list(CASES_BY_RESISTANCE)
    for i in range(n):
        resistance = str(rng.choice(resistance_names, p=list(CASES_BY_RESISTANCE.values())))
        organism = ORGANISM_BY_RESISTANCE.get(resistance) or rng.choice(NONE_ORGANISMS)
        first_case = dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 350)))
        declared = min(first_case + dt.timedelta(days=int(rng.exponential(9))), dt.date(year, 12, 31))
        cases = int(1 + rng.poisson(1.5 if resistance == "NONE" else 0.6))
        deaths = int(rng.binomial(cases, 0.05))
        criteria = ["1A"] if resistance in ("CPE", "VRE") else []
        if cases > 1:
            criteria.append("2")
        if deaths:
            criteria.append("3")
        criteria = criteria or [str(rng.choice(["1B", "4"]))]
        closed = declared + dt.timedelta(days=int(rng.exponential(60)))
        is_closed = closed <= today and rng.random() < 0.95
        rows.append((f"ES-{year}-{i + 1:05d}", str(rng.choice(finess_list)), declared, first_case, "|".join(criteria),
                     organism, resistance, cases, deaths, "Y" if rng.random() < 0.35 else "N",
                     "CLOSED" if is_closed else "OPEN", closed if is_closed else None))
    return pl.DataFrame(rows, schema={"signal_id": pl.String, "finess": pl.String, "declared_on": pl.Date,
                                      "first_case_on": pl.Date, "criteria": pl.String, "organism": pl.String,
                                      "resistance": pl.String, "cases": pl.Int64, "deaths": pl.Int64,
                                      "cpias_support": pl.String, "status": pl.String, "closed_on": pl.Date},
                        orient="row")

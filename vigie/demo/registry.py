"""Synthetic establishments, laboratories and populations over the 18 regions."""

from dataclasses import dataclass

import numpy as np
import polars as pl

from quality.finess import luhn_valid
from vigie.reference import department_regions

# Share of establishments per category at national scale, and beds (median) per category.
CATEGORY_SHARES = {"CH": 0.33, "MCO": 0.27, "SMR": 0.15, "LOC": 0.07, "PSY": 0.07, "ESPIC": 0.04,
                   "SLD": 0.03, "CHU": 0.02, "CLCC": 0.013, "HIA": 0.007}
MEDIAN_BEDS = {"CHU": 1200, "CH": 250, "LOC": 70, "CLCC": 200, "MCO": 100, "ESPIC": 200, "SMR": 120,
               "SLD": 100, "PSY": 320, "HIA": 300}
# Sectors of each category, with their share of the patient-days.
CATEGORY_SECTORS = {  # calibrated so that the national rate is about 310 DDD/1000 patient-days (DOMAIN.md §3)
    "CHU": {"MED": 0.41, "CHI": 0.24, "REA": 0.07, "PED": 0.07, "GYO": 0.05, "SMR": 0.11, "PSY": 0.05},
    "CH": {"MED": 0.40, "CHI": 0.14, "REA": 0.03, "PED": 0.04, "GYO": 0.05, "SMR": 0.17, "SLD": 0.11, "PSY": 0.06},
    "LOC": {"MED": 0.40, "SMR": 0.35, "SLD": 0.25},
    "CLCC": {"MED": 0.60, "CHI": 0.35, "REA": 0.05},
    "MCO": {"MED": 0.34, "CHI": 0.40, "GYO": 0.10, "REA": 0.03, "SMR": 0.13},
    "ESPIC": {"MED": 0.35, "CHI": 0.20, "SMR": 0.30, "PSY": 0.15},
    "SMR": {"SMR": 1.0},
    "SLD": {"SLD": 1.0},
    "PSY": {"PSY": 1.0},
    "HIA": {"MED": 0.50, "CHI": 0.40, "REA": 0.10},
}
SMALL_BED_FACTOR = 0.15  # the small demo's establishments are small, so that it runs in seconds
SMALL_CATEGORY_CYCLE = ["CHU", "SMR", "PSY", "CLCC", "LOC", "ESPIC", "SLD", "HIA"]


@dataclass(frozen=True)
class Establishment:
    finess: str
    finess_ej: str
    name: str
    department: str
    region: str
    category: str
    beds: int


def make_finess(rng: np.random.Generator, department: str) -> str:
    """A FINESS of the département that passes the Luhn key."""
    prefix = department if len(department) == 3 else department.rjust(2, "0")
    body = prefix + "".join(str(d) for d in rng.integers(0, 10, 8 - len(prefix)))
    return next(body + str(key) for key in range(10) if luhn_valid(body + str(key)))


def _categories(rng, n_per_region: int, n_regions: int, scale: str) -> list[list[str]]:
    if scale == "small":
        return [["CH", "MCO", SMALL_CATEGORY_CYCLE[r % len(SMALL_CATEGORY_CYCLE)]][:n_per_region]
                for r in range(n_regions)]
    names, shares = zip(*CATEGORY_SHARES.items())
    return [list(rng.choice(names, size=n_per_region, p=np.array(shares) / sum(shares))) for _ in range(n_regions)]


NATIONAL_PER_REGION = 89  # 18 × 89 ≈ 1 600 establishments in a national year
NATIONAL_LABS = 2000  # community laboratories in a national year


def establishments(rng: np.random.Generator, scale: str, fraction: float = 1.0) -> list[Establishment]:
    """The registry: 3 small establishments per region, or `fraction` of a national year's."""
    by_region: dict[str, list[str]] = {}
    for department, region in department_regions().items():
        by_region.setdefault(region, []).append(department)
    regions = sorted(by_region)
    per_region = 3 if scale == "small" else max(1, round(NATIONAL_PER_REGION * fraction))
    result, used = [], set()
    for region, categories in zip(regions, _categories(rng, per_region, len(regions), scale)):
        for category in categories:
            department = str(rng.choice(by_region[region]))
            finess = make_finess(rng, department)
            while finess in used:
                finess = make_finess(rng, department)
            used.add(finess)
            beds = max(10, int(rng.lognormal(np.log(MEDIAN_BEDS[category]), 0.35)
                               * (SMALL_BED_FACTOR if scale == "small" else 1)))
            result.append(Establishment(finess, make_finess(rng, department), f"{category} {department}-{len(result) + 1:04d}",
                                        department, region, category, beds))
    return result


def establishments_frame(items: list[Establishment]) -> pl.DataFrame:
    return pl.DataFrame({
        "finess": [e.finess for e in items], "finess_ej": [e.finess_ej for e in items],
        "name": [e.name for e in items], "department": [e.department for e in items],
        "category": [e.category for e in items], "beds": [e.beds for e in items],
    })


def community_labs(rng: np.random.Generator, scale: str, fraction: float = 1.0) -> list[tuple[str, str]]:
    """(lab identifier, département) of community laboratories: one per region, or `fraction` of a national year's."""
    departments = sorted(department_regions())
    if scale == "small":
        regions = department_regions()
        first = {}
        for d in departments:
            first.setdefault(regions[d], d)
        chosen = sorted(first.values())
    else:
        chosen = list(rng.choice(departments, size=max(1, round(NATIONAL_LABS * fraction))))
    return [(f"LAB{i + 1:05d}", d) for i, d in enumerate(chosen)]


def populations(rng: np.random.Generator, years: list[int]) -> pl.DataFrame:
    """Population per département (≈ 68 M in all), growing slowly."""
    departments = sorted(department_regions())
    base = rng.lognormal(np.log(550_000), 0.6, len(departments))
    base = base / base.sum() * 68_000_000
    rows = [(d, y, int(b * (1.003 ** (y - years[0])))) for y in years for d, b in zip(departments, base)]
    return pl.DataFrame(rows, schema=["department", "year", "population"], orient="row")

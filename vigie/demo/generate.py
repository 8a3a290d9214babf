"""`vigie generate`: every dataset of PROTOCOL.md as participants would send it, deterministic for a seed."""

import datetime as dt
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from vigie.demo import hospital, laboratory, regional, registry, writer
from vigie.demo.faults import Fault, faults
from vigie.reference import department_regions

COMMUNITY_ISOLATES = {"small": 120, "national": 270}  # primary isolates per community lab and year
EHPAD_SHARE = 0.12


@dataclass
class GenerationSummary:
    files: Counter = field(default_factory=Counter)
    rows: Counter = field(default_factory=Counter)
    faults: list[Fault] = field(default_factory=list)
    seconds: float = 0.0


class Generator:
    def __init__(self, out: Path, seed: int, progress: Callable[[str], None], scale: str, fraction: float):
        self.landing = out
        self.seed = seed
        self.scale, self.fraction = scale, fraction
        self.progress = progress
        self.summary = GenerationSummary()
        self.samples: dict[str, pl.DataFrame] = {}

    def rng(self, *parts) -> np.random.Generator:
        """An independent stream per (dataset, participant, year): output does not depend on loop order."""
        key = zlib.crc32("/".join(map(str, parts)).encode())
        return np.random.default_rng([self.seed, key])

    def community_labs(self) -> list[tuple[str, str]]:
        return registry.community_labs(self.rng("labs"), self.scale, self.fraction)

    def write(self, dataset: str, stem: str, frame: pl.DataFrame, style: writer.FileStyle | None = None) -> Path:
        style = style or writer.random_style(self.rng("style", dataset, stem), frame.height)
        path = writer.write(frame, self.landing / dataset, stem, style)
        self.summary.files[dataset] += 1
        self.summary.rows[dataset] += frame.height
        self.samples.setdefault(dataset, frame)
        return path


def generate(out: Path, scale: str = "small", years: list[int] | None = None, seed: int = 2026,
             progress: Callable[[str], None] = print, fraction: float = 1.0) -> GenerationSummary:
    """Every dataset of `years` at the `scale` of the small demo, or of `fraction` of a national year."""
    started = time.perf_counter()
    years = years or ([2023, 2024, 2025] if scale == "small" else [2025])
    gen = Generator(out, seed, progress, scale, fraction)
    sites = registry.establishments(gen.rng("establishments"), scale, fraction)
    gen.write("establishments", "extraction_finess", registry.establishments_frame(sites),
              writer.FileStyle("csv", encoding="cp1252", separator=";"))
    population = registry.populations(gen.rng("population"), years)
    gen.write("population", "insee_population", population, writer.FileStyle("csv", separator=","))
    progress(f"registry: {len(sites)} establishments in 18 regions, {population.height} département-years")
    for year in years:
        _hospital_year(gen, sites, year)
        _laboratory_year(gen, year)
        _regional_year(gen, sites, population, year)
        progress(f"year {year}: {sum(gen.summary.files.values())} files so far")
    _resubmission(gen, sites[0], years[-1])
    if len(years) > 1:
        _late_correction_with_spill(gen, years[-2])
    gen.summary.faults = faults(gen.samples)
    for fault in gen.summary.faults:
        folder = out / fault.dataset
        folder.mkdir(parents=True, exist_ok=True)
        (folder / fault.file_name).write_bytes(fault.content)
    _duplicate(gen)
    gen.summary.seconds = time.perf_counter() - started
    return gen.summary


def _hospital_year(gen: Generator, sites, year: int) -> None:
    for es in sites:
        rng = gen.rng("hospital", es.finess, year)
        days = hospital.patient_days(rng, es, year)
        gen.write("spares_activity", f"spares_activite_{es.finess}_{year}", hospital.activity(rng, es, year, days))
        gen.write("spares_consumption", f"spares_conso_{es.finess}_{year}", hospital.consumption(rng, es, year, days))
        gen.write("icsha", f"icsha_{es.finess}_{year}", hospital.icsha(rng, es, year, days))
        bacteremia = None
        if rng.random() < 0.7:
            bacteremia, exposure = hospital.spiadi(rng, es, year, days)
            gen.write("spiadi_exposure", f"spiadi_denominateurs_{es.finess}_{year}", exposure)
            if bacteremia.height:
                gen.write("spiadi_bacteremia", f"spiadi_bacteriemies_{es.finess}_{year}", bacteremia)
        if "CHI" in days and rng.random() < 0.6:
            gen.write("spicmi_procedures", f"spicmi_{es.finess}_{year}", hospital.spicmi(rng, es, year, days["CHI"]))
        if es.category not in ("PSY", "SLD"):
            gen.write("isolates", f"labo_{es.finess}_{year}", _hospital_isolates(rng, es, year, days, bacteremia))


def _hospital_isolates(rng, es, year: int, days: dict[str, int], bacteremia: pl.DataFrame | None) -> pl.DataFrame:
    """A hospital laboratory's results, with the blood cultures of its bacteraemia episodes; one in ten also
    analyses community samples, under the hospital's FINESS."""
    style = str(rng.choice(laboratory.ORGANISM_STYLES))
    n_primary = max(5, int(sum(days.values()) * sum(laboratory.HOSPITAL_RATES.values()) / 1000))
    frame = laboratory.isolates(rng, es.finess, "HOSP", year, n_primary, days, None, style)
    cultures = laboratory.blood_cultures(rng, es.finess, year, bacteremia, style) if bacteremia is not None else None
    if cultures is not None:
        frame = pl.concat([frame, cultures], how="vertical_relaxed")
    if rng.random() < 0.1:
        outpatients = laboratory.isolates(rng, es.finess, "COMM", year, max(3, n_primary // 10), None, es.department,
                                          style)
        frame = pl.concat([frame, outpatients.with_columns(("V" + pl.col("isolate_id")).alias("isolate_id"))],
                          how="vertical_relaxed")
    return frame


def _laboratory_year(gen: Generator, year: int) -> None:
    labs = gen.community_labs()
    fq_by_department = {}
    for lab, department in labs:
        rng = gen.rng("lab", lab, year)
        fq = fq_by_department.setdefault(department, gen.rng("fq", department).uniform(0.75, 1.7))
        n = int(COMMUNITY_ISOLATES[gen.scale] * rng.uniform(0.5, 1.5))
        style = str(rng.choice(laboratory.ORGANISM_STYLES))
        community = laboratory.isolates(rng, lab, "COMM", year, n, None, department, style, fq)
        ehpad = laboratory.isolates(rng, lab, "EHPAD", year, max(3, int(n * EHPAD_SHARE)), None, department, style, fq)
        gen.write("isolates", f"resultats_{lab}_{year}", pl.concat([community, ehpad]))


def _regional_year(gen: Generator, sites, population: pl.DataFrame, year: int) -> None:
    by_region: dict[str, list[str]] = {}
    for department, region in department_regions().items():
        by_region.setdefault(region, []).append(department)
    inhabitants = {d: p for d, y, p in population.filter(pl.col("year") == year).iter_rows()}
    for region, departments in sorted(by_region.items()):
        rng = gen.rng("community", region, year)
        frame = pl.concat([regional.community_consumption(rng, d, year, inhabitants[d]) for d in sorted(departments)])
        gen.write("community_consumption", f"primo_conso_region{region}_{year}", frame)
    today = dt.date.today()
    reports = regional.signalements(gen.rng("esin", year), [s.finess for s in sites], year, today)
    gen.write("signalements", f"esin_extraction_{year}", reports)


def _resubmission(gen: Generator, es, year: int) -> None:
    """The first establishment corrects its activity of the last year: the later file supersedes the first."""
    rng = gen.rng("resubmission", es.finess, year)
    days = {s: int(d * 1.02) for s, d in hospital.patient_days(gen.rng("hospital", es.finess, year), es, year).items()}
    path = gen.write("spares_activity", f"spares_activite_{es.finess}_{year}_corrige",
                     hospital.activity(rng, es, year, days), writer.FileStyle("csv"))
    later = time.time() + 1
    os.utime(path, (later, later))


def _late_correction_with_spill(gen: Generator, year: int) -> None:
    """The first community laboratory corrects its results of `year` after sending those of `year + 1`; its
    extraction holds three samples of 1 January `year + 1`: a dating spill, which must not replace that year."""
    lab, department = gen.community_labs()[0]
    rng = gen.rng("correction", lab, year)
    frame = laboratory.isolates(rng, lab, "COMM", year, COMMUNITY_ISOLATES[gen.scale], None, department, "name")
    spill = frame.filter(pl.col("isolate_id").is_in(frame["isolate_id"].unique(maintain_order=True).head(1).to_list()))
    spill = spill.with_columns(pl.lit(dt.date(year + 1, 1, 1)).alias("sample_date"),
                               (pl.lit("X") + pl.col("isolate_id")).alias("isolate_id"))
    path = gen.write("isolates", f"resultats_{lab}_{year}_corrige", pl.concat([frame, spill]), writer.FileStyle("csv"))
    later = time.time() + 2
    os.utime(path, (later, later))


def _duplicate(gen: Generator) -> None:
    """The registry sent twice, byte for byte: ingested once."""
    folder = gen.landing / "establishments"
    original = next(folder.glob("extraction_finess.*"))
    (folder / f"copie_{original.name}").write_bytes(original.read_bytes())

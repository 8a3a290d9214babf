"""Synthetic antibiograms: one row per isolate and antibiotic, with realistic resistance and duplicates."""


import numpy as np
import polars as pl

# Diagnostic isolates per 1000 patient-days in hospitals, and shares of community urine isolates.
HOSPITAL_RATES = {"ESCCOL": 3.0, "STAAUR": 2.0, "KLEPNE": 1.2, "PSEAER": 0.5, "ENCFAE": 0.45, "ENCFAI": 0.2,
                  "Enterobacter cloacae": 0.6, "Proteus mirabilis": 0.35, "ACISPP": 0.07, "STRPNE": 0.1,
                  "Staphylococcus epidermidis": 0.15}
COMMUNITY_SHARES = {"ESCCOL": 0.72, "KLEPNE": 0.09, "Proteus mirabilis": 0.07, "ENCFAE": 0.06,
                    "Citrobacter koseri": 0.03, "PSEAER": 0.015, "STAAUR": 0.015}
SCIENTIFIC_NAMES = {"ESCCOL": "Escherichia coli", "KLEPNE": "Klebsiella pneumoniae", "STAAUR": "Staphylococcus aureus",
                    "PSEAER": "Pseudomonas aeruginosa", "ENCFAE": "Enterococcus faecalis",
                    "ENCFAI": "Enterococcus faecium", "ACISPP": "Acinetobacter spp.",
                    "STRPNE": "Streptococcus pneumoniae"}
# How laboratory systems write organisms: codes, names, abbreviations, capitals, subspecies and qualifiers.
ORGANISM_STYLES = ["code", "name", "abbreviation", "upper", "qualified"]
QUALIFIED = {"Klebsiella pneumoniae": "Klebsiella pneumoniae subsp. pneumoniae",
             "Staphylococcus aureus": "Staphylococcus aureus subsp. aureus", "Escherichia coli": "Escherichia  coli"}
ENTEROBACTERALES = {"ESCCOL", "KLEPNE", "Enterobacter cloacae", "Proteus mirabilis", "Citrobacter koseri"}
# Routine panels by WHONET / EARS-Net code: what every laboratory tests, and the optional antibiotics from which
# each laboratory completes its panel (so that laboratories differ, as they do, for the same number of results).
PANELS = {  # name: (core, optional, panel size)
    "entero": (["AMX", "AMC", "TZP", "CTX", "CAZ", "IPM", "CIP", "GEN"],
               ["FEP", "ETP", "AMK", "SXT", "CZO", "CXM", "FOX", "TMP", "TIC", "PIP", "TOB", "MEM", "ATM"], 12),
    "entero_urine": (["AMX", "AMC", "CTX", "CIP", "SXT", "NIT", "FOS"], ["MEC", "OFX", "TEM", "CZO", "CXM", "NAL", "TMP"], 9),
    "staph": (["OXA", "FOX", "VAN", "ERY", "CLI", "GEN", "SXT", "RIF"],
              ["PEN", "LVX", "LNZ", "KAN", "TOB", "PRI", "FUS", "DOX", "MUP", "TEC", "DAP"], 11),
    "entero_coccus": (["AMX", "VAN", "TEC"], ["GEH", "LNZ", "TGC"], 5),
    "pseudo": (["TZP", "CAZ", "FEP", "IPM", "MEM", "CIP", "AMK"], ["TOB", "COL", "TIC", "ATM"], 9),
    "acineto": (["IPM", "MEM", "CIP", "AMK"], ["GEN", "COL", "TOB", "DOX"], 6),
    "pneumo": (["PEN", "AMX", "CTX"], ["ERY", "LVX", "CHL", "DOX"], 5),
}
# Probabilities of the latent phenotypes by setting.
ESBL = {"ESCCOL": {"HOSP": 0.07, "COMM": 0.034, "EHPAD": 0.086}, "KLEPNE": {"HOSP": 0.22, "COMM": 0.08, "EHPAD": 0.15},
        "Enterobacter cloacae": {"HOSP": 0.10, "COMM": 0.04, "EHPAD": 0.06},
        "Proteus mirabilis": {"HOSP": 0.02, "COMM": 0.01, "EHPAD": 0.02}}
OTHER_C3G_R = {"ESCCOL": 0.02, "KLEPNE": 0.06, "Enterobacter cloacae": 0.22, "Proteus mirabilis": 0.005}
CARBAPENEMASE = {"HOSP": 0.012, "COMM": 0.001, "EHPAD": 0.003}
MRSA = {"HOSP": 0.10, "COMM": 0.06, "EHPAD": 0.15}
BASE_RESISTANCE = {  # antibiotic -> probability of R outside the latent phenotypes
    "AMX": 0.55, "AMC": 0.30, "TZP": 0.08, "GEN": 0.06, "AMK": 0.01, "SXT": 0.25, "NIT": 0.02, "FOS": 0.02,
    "MEC": 0.08, "PEN": 0.85, "ERY": 0.20, "CLI": 0.10, "RIF": 0.01, "LNZ": 0.0, "TEC": 0.0, "TOB": 0.05,
    "COL": 0.02, "CAZ": 0.12, "FEP": 0.10, "IPM": 0.15, "MEM": 0.12, "CIP": 0.15, "CTX": 0.02, "ETP": 0.0,
    "LVX": 0.05, "OFX": 0.12, "VAN": 0.0, "TIC": 0.5, "PIP": 0.45, "CZO": 0.3, "CXM": 0.15, "FOX": 0.05,
    "TMP": 0.27, "TEM": 0.05, "NAL": 0.15, "KAN": 0.08, "PRI": 0.02, "FUS": 0.08, "DOX": 0.2, "MUP": 0.03,
    "DAP": 0.0, "GEH": 0.15, "TGC": 0.0, "ATM": 0.15, "CHL": 0.05,
}


def laboratory_panels(rng) -> dict[str, list[str]]:
    """One laboratory's panels: the core antibiotics and its own choice among the optional ones."""
    return {name: core + list(rng.choice(optional, size=size - len(core), replace=False))
            for name, (core, optional, size) in PANELS.items()}


def _panel(panels: dict[str, list[str]], organism: str, setting: str) -> list[str]:
    if organism in ENTEROBACTERALES:
        return panels["entero_urine" if setting != "HOSP" else "entero"]
    if organism in ("STAAUR", "Staphylococcus epidermidis"):
        return panels["staph"]
    if organism in ("ENCFAE", "ENCFAI"):
        return panels["entero_coccus"]
    return {"PSEAER": panels["pseudo"], "ACISPP": panels["acineto"], "STRPNE": panels["pneumo"]}[organism]


def _results(rng, organism: str, setting: str, n: int, fq_factor: float,
             panels: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """SIR per antibiotic for n isolates of one organism, from latent phenotypes."""
    u = lambda p: rng.random(n) < p  # noqa: E731
    esbl = u(ESBL.get(organism, {}).get(setting, 0.0))
    c3g = esbl | u(OTHER_C3G_R.get(organism, 0.0) * (0.3 if setting != "HOSP" else 1))
    carb = u(CARBAPENEMASE[setting] * (3 if organism == "KLEPNE" else 1)) if organism in ENTEROBACTERALES else np.zeros(n, bool)
    fq = u(0.10 * fq_factor) | (esbl & u(0.45))
    mrsa = u(MRSA[setting]) if organism == "STAAUR" else u(0.5) if organism == "Staphylococcus epidermidis" else np.zeros(n, bool)
    results = {}
    for ab in _panel(panels, organism, setting):
        r = u(BASE_RESISTANCE.get(ab, 0.05))
        if organism in ENTEROBACTERALES:
            r = {"CTX": c3g, "CAZ": c3g | u(0.01), "FEP": (c3g & u(0.6)), "AMX": u(0.55) | c3g | carb,
                 "AMC": r | c3g | carb, "TZP": r | carb, "ETP": carb & u(0.9), "IPM": carb & u(0.7),
                 "MEM": carb & u(0.6), "ATM": (c3g & u(0.8)) | u(0.01),
                 "CIP": fq, "OFX": fq, "MEC": r | (c3g & u(0.3))}.get(ab, r)
            if organism in ("KLEPNE", "Enterobacter cloacae") and ab == "AMX":
                r = np.ones(n, bool)  # intrinsic resistance
        elif organism in ("STAAUR", "Staphylococcus epidermidis"):
            discordant = u(0.01)  # oxacillin R but cefoxitin S: cefoxitin prevails
            r = {"FOX": mrsa, "OXA": mrsa | discordant, "PEN": mrsa | u(0.85), "LVX": (mrsa & u(0.7)) | u(0.04),
                 "VAN": np.zeros(n, bool)}.get(ab, r)
        elif organism == "ENCFAI":
            r = {"AMX": u(0.88), "VAN": u(0.007), "TEC": u(0.004)}.get(ab, r)
        elif organism == "ENCFAE":
            r = {"AMX": u(0.01), "VAN": u(0.001)}.get(ab, r)
        intermediate = ~r & u(0.03)
        results[ab] = np.where(r, "R", np.where(intermediate, "I", "S"))
    results["_esbl"] = np.where(esbl, "POS", "NEG") if organism in ENTEROBACTERALES else np.full(n, None)
    results["_carbapenemase"] = (np.where(carb, rng.choice(["OXA48", "KPC", "NDM", "VIM"], n, p=[0.7, 0.1, 0.15, 0.05]),
                                          "NEG") if organism in ENTEROBACTERALES else np.full(n, None))
    return results


def _dates(rng, year: int, n: int) -> np.ndarray:
    start = np.datetime64(f"{year}-01-01")
    return start + rng.integers(0, 365, n).astype("timedelta64[D]")


def _written(organisms: np.ndarray, style: str) -> list[str]:
    names = [SCIENTIFIC_NAMES.get(o, o) for o in organisms]
    if style == "code":
        return [str(o) for o in organisms]
    if style == "abbreviation":
        return [f"{n.split()[0][0]}. {n.split(maxsplit=1)[1]}" if " " in n else n for n in names]
    if style == "upper":
        return [n.upper() for n in names]
    if style == "qualified":
        return [QUALIFIED.get(n, n) for n in names]
    return names


def isolates(rng, source_id: str, setting: str, year: int, n_primary: int, sectors: dict[str, int] | None,
             department: str | None, organism_style: str, fq_factor: float = 1.0) -> pl.DataFrame:
    """Antibiograms of one source for one year: primary isolates, repeats and screening isolates."""
    shares = HOSPITAL_RATES if setting == "HOSP" else COMMUNITY_SHARES
    organisms, weights = zip(*shares.items())
    weights = np.array(weights) / sum(weights)
    organism = rng.choice(organisms, size=n_primary, p=weights)
    patient = rng.integers(1, max(2, int(n_primary * 0.9)), n_primary)
    dates = _dates(rng, year, n_primary)
    repeat = rng.random(n_primary) < (0.25 if setting == "HOSP" else 0.05)
    n_repeat = int(repeat.sum())
    repeat_dates = np.minimum(dates[repeat] + rng.integers(1, 60, n_repeat).astype("timedelta64[D]"),
                              np.datetime64(f"{year}-12-31"))
    organism = np.concatenate([organism, organism[repeat]])
    patient = np.concatenate([patient, patient[repeat]])
    dates = np.concatenate([dates, repeat_dates])
    n = len(organism)
    if setting == "HOSP":
        specimen = rng.choice(["BLOOD", "URINE", "RESP", "PUS", "DEVICE", "OTHER", "SCREEN"], n,
                              p=[0.14, 0.38, 0.16, 0.14, 0.04, 0.06, 0.08])
        sector_names, sector_days = zip(*sectors.items())
        sector = rng.choice(sector_names, n, p=np.array(sector_days) / sum(sector_days))
    else:
        specimen = rng.choice(["URINE", "PUS", "OTHER"], n, p=[0.95, 0.03, 0.02])
        sector = np.full(n, None)
    sampled = pl.DataFrame({
        "isolate_id": [f"{setting[0]}{year}-{i:06d}" for i in range(n)],
        "patient_id": [f"P{setting[0]}{p:07d}" for p in patient], "organism": organism,
        "sample_date": dates.astype("datetime64[D]"), "specimen": specimen,
        "sector": pl.Series(sector.tolist(), dtype=pl.String),
    })
    return _antibiograms(rng, source_id, setting, sampled, department, organism_style, fq_factor)


def blood_cultures(rng, source_id: str, year: int, episodes: pl.DataFrame, organism_style: str) -> pl.DataFrame | None:
    """The blood culture of each bacteraemia episode whose organism the laboratory tests: same patient, organism,
    day and ward, so that the platform can link them."""
    tested = {"ESCCOL", "KLEPNE", "STAAUR", "PSEAER", "ENCFAE", "ENCFAI", "Enterobacter cloacae",
              "Staphylococcus epidermidis"}
    sampled = episodes.filter(pl.col("organism").is_in(list(tested))).select(
        pl.format("B{}-{}", pl.lit(year), pl.col("episode_id")).alias("isolate_id"), "patient_id", "organism",
        "sample_date", pl.lit("BLOOD").alias("specimen"), "sector")
    return _antibiograms(rng, source_id, "HOSP", sampled, None, organism_style, 1.0) if sampled.height else None


def _antibiograms(rng, source_id: str, setting: str, sampled: pl.DataFrame, department: str | None,
                  organism_style: str, fq_factor: float) -> pl.DataFrame:
    """One row per isolate of `sampled` and antibiotic of its laboratory's panel, from latent phenotypes."""
    organism = sampled["organism"].to_numpy()
    n = len(organism)
    panels = laboratory_panels(rng)
    isolate_index, antibiotic, sir = [], [], []
    esbl, carbapenemase = np.full(n, None, dtype=object), np.full(n, None, dtype=object)
    for org in np.unique(organism):
        idx = np.flatnonzero(organism == org)
        results = _results(rng, str(org), setting, len(idx), fq_factor, panels)
        esbl[idx], carbapenemase[idx] = results.pop("_esbl"), results.pop("_carbapenemase")
        for ab, values in results.items():
            isolate_index.append(idx)
            antibiotic.append(np.full(len(idx), ab))
            sir.append(values)
    per_isolate = sampled.with_columns(
        pl.Series("organism", _written(organism, organism_style), dtype=pl.String),
        pl.Series("esbl", esbl.tolist(), dtype=pl.String),
        pl.Series("carbapenemase", carbapenemase.tolist(), dtype=pl.String))
    tests = pl.DataFrame({"_index": np.concatenate(isolate_index), "antibiotic": np.concatenate(antibiotic),
                          "sir": np.concatenate(sir)})
    table = per_isolate[tests["_index"]].with_columns(tests.select("antibiotic", "sir")).with_columns(
        pl.lit(source_id).alias("source_id"), pl.lit(setting).alias("setting"))
    demographics = _demographics(rng, sampled["patient_id"].unique(maintain_order=True), setting)
    table = table.join(demographics, on="patient_id", how="left")
    return table.with_columns(pl.col("sample_date").cast(pl.Date), pl.lit(department, pl.String).alias("department"),
                              pl.lit(None, pl.String).alias("mic")).select(
        "source_id", "setting", "isolate_id", "patient_id", "sex", "age", "sample_date", "specimen", "sector",
        "department", "organism", "antibiotic", "sir", "mic", "esbl", "carbapenemase",
    ).sort("isolate_id", "antibiotic")


def _demographics(rng, patients: pl.Series, setting: str) -> pl.DataFrame:
    ids = patients.sort()
    ages = rng.integers(80, 100, len(ids)) if setting == "EHPAD" else np.clip(rng.normal(62, 22, len(ids)), 0, 105)
    return pl.DataFrame({"patient_id": ids, "sex": rng.choice(["F", "M"], len(ids), p=[0.55, 0.45]),
                         "age": ages.astype(int)})

"""The benchmark's raw kernel gives exactly the platform's three marts, from files of every style the protocol
allows."""

import io
import datetime as dt

import dagster as dg
import duckdb
import polars as pl
import pytest

A, B, C = "310781406", "750100232", "2A0000123"

ESTABLISHMENTS = (f"finess;name;department;category;beds\n{A};CHU A;31;CHU;1000\n{B};CH B;75;CH;300\n"
                  f"{C};CH C;2A;CH;100\n")
# UTF-8 with a BOM, commas, upper-case headers.
ACTIVITY = (f"\ufeffFINESS,YEAR,SECTOR,PATIENT_DAYS\n{A},2024,MED,10000\n{A},2024,REA,2000\n"
            f"{B},2024,MED,4000\n{C},2024,MED,1000\n")
# A's correction of 2024 (MED 10 000 -> 12 000 patient-days) and its first 2025 figures; B and C stay as sent.
ACTIVITY_CORRECTION = f"finess;year;sector;patient_days\n{A};2024;MED;12000\n{A};2024;REA;2000\n{A};2025;MED;11000\n"
# Windows-1252, semicolons, decimal comma, a no-break space between thousands, lower-case codes and an extra column
# with characters of the 0x80-0x9F range of Windows-1252 (A's isolates of 2024 add French dates to that style).
CONSUMPTION_A = (
    "finess;year;sector;atc_code;route;quantity;unit;libellé\n"
    f"{A};2024;MED;J01CA04;O;1\u00a0500,0;g;Amoxicilline gélules – œ\n"
    f"{A};2024;MED;j01ca04;o;750000;mg;Amoxicilline « 500 mg »\n"
    f"{A};2024;REA;J01DH02;P;30,0;g;Méropénème €\n"
)
CONSUMPTION_C = f"finess,year,sector,atc_code,route,quantity,unit\n{C},2024,MED,J01CA04,O,150.0,g\n"
ISOLATE_COLUMNS = ["source_id", "setting", "isolate_id", "patient_id", "sex", "age", "sample_date", "specimen",
                   "sector", "department", "organism", "antibiotic", "sir", "mic", "esbl", "carbapenemase"]


def _isolates(year: int, resistant: set[str] = frozenset()) -> list[dict]:
    """A's hospital isolates of a year: 11 isolates of 2 results each, organisms spelled every way, codes in any
    case with stray spaces, SFP for I."""
    organisms = ["Escherichia coli", "E. coli", "ESCCOL", "k. pneumoniae  subsp. pneumoniae", "STAAUR",
                 "Staphylococcus aureus", "KLEPNE", "Bacterium imaginarius", "E. COLI", "ESCCOL", "STAAUR"]
    rows = []
    for i, organism in enumerate(organisms):
        iso = f"I{year}-{i:02d}"
        antibiotics = ["FOX", "OXA"] if "STA" in organism.upper() else ["CTX", "CIP"]
        for antibiotic in antibiotics:
            sir = "R" if iso in resistant else ("SFP" if antibiotic == "CIP" and i % 3 == 0 else "S")
            rows.append({"source_id": A, "setting": "HOSP", "isolate_id": iso, "patient_id": f"P{i % 7}",
                         "sex": "F", "age": 60 + i, "sample_date": dt.date(year, 1 + i, 10),
                         "specimen": "SCREEN" if i == 9 else ("urine " if i % 2 else "URINE"),
                         "sector": "MED" if i % 2 else " rea",
                         "department": None, "organism": organism, "antibiotic": antibiotic, "sir": sir,
                         "mic": "0,5", "esbl": "POS" if "pneumoniae" in organism.lower() else None,
                         "carbapenemase": None})
    return rows


def _csv(rows: list[dict], separator: str, date_format: str) -> str:
    frame = pl.DataFrame(rows, schema_overrides={"department": pl.String, "esbl": pl.String,
                                                 "carbapenemase": pl.String})
    frame = frame.with_columns(pl.col("sample_date").dt.strftime(date_format), commentaire=pl.lit("prélèvement"))
    return frame.write_csv(separator=separator)


def _parquet(rows: list[dict]) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame(rows, schema_overrides={"department": pl.String, "esbl": pl.String, "carbapenemase": pl.String}
                 ).write_parquet(buffer)
    return buffer.getvalue()


def _xlsx(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_excel(buffer)
    return buffer.getvalue()


def test_kernel_gives_the_platform_s_marts(settings, land, ingest):
    from assets.dbt import vigie_dbt_models
    from orchestration.resources import build_resources
    from vigie.bench.compare import differences
    from vigie.bench.kernel import MARTS, accepted_files, compute

    land("establishments", ESTABLISHMENTS)
    land("spares_activity", ACTIVITY)
    land("spares_consumption", CONSUMPTION_A, encoding="cp1252")
    land("spares_consumption", _xlsx(pl.DataFrame({
        "FINESS": [B, B], "year": [2024, 2024], "sector": ["MED", "MED"], "atc_code": ["J01MA02", "J01CR02"],
        "route": ["O", "O"], "quantity": [190.0, 300.5], "unit": ["g", "g"]})), name="conso_b.xlsx")
    land("spares_consumption", CONSUMPTION_C)
    # A's 2024 results: Windows-1252, semicolons, French dates; its 2025 results in Parquet (typed dates).
    land("isolates", _csv(_isolates(2024), ";", "%d/%m/%Y"), encoding="cp1252")
    land("isolates", _parquet(_isolates(2025)), name="labo_2025.parquet")
    for dataset in ("establishments", "spares_activity", "spares_consumption", "isolates"):
        ingest(dataset)
    # Corrections, later: A's activity, and A's 2024 results (two become resistant) with one sample of 1 January
    # 2025, a dating spill (1 row in 23) that must neither be stored nor replace the 2025 file.
    land("spares_activity", ACTIVITY_CORRECTION)
    spill = {**_isolates(2025)[0], "isolate_id": "SPILL", "sample_date": dt.date(2025, 1, 1), "sir": "R"}
    land("isolates", _csv(_isolates(2024, {"I2024-00", "I2024-04"}) + [spill], ",", "%Y-%m-%d"))
    ingest("spares_activity")
    ingest("isolates")

    # The three marts and their lineage only, by the platform's own dbt assets, without the dbt tests: a whole
    # consolidation takes twice as long.
    marts = dg.AssetSelection.assets(*(dg.AssetKey(["marts", name]) for name in MARTS)).upstream().without_checks()
    with dg.instance_for_test() as instance:
        assert dg.materialize([vigie_dbt_models], selection=marts, instance=instance,
                              resources=build_resources(data_dir=str(settings.data_dir))).success

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        statuses = con.sql("SELECT status, count(*) FROM raw.submissions GROUP BY ALL").fetchall()
        assert {s for s, _ in statuses} <= {"accepted", "accepted_with_warnings"} and sum(n for _, n in statuses) == 9
        files = accepted_files(con)
        assert {f.path.suffix for f in files} == {".csv", ".xlsx", ".parquet"}
        kernel = compute(files)
        assert differences(kernel, con) == {"consumption_rates": [], "resistance_rates": [], "resistant_incidence": []}
    finally:
        con.close()

    # A, 2024, MED: (1500 g + 750 000 mg) of oral amoxicillin, DDD 1.5 g = 1500 DDD, over the corrected 12 000
    # patient-days: 125 DDD per 1000 patient-days (150 with the superseded 10 000).
    rates = kernel["consumption_rates"].filter(year=2024, geo_level="establishment", geo_code=A, sector="MED",
                                               atc_group="ALL")
    assert rates["ddd_per_1000_patient_days"].to_list() == [pytest.approx(1500 / 12000 * 1000, rel=1e-12)]
    # 2025, A, E. coli and cefotaxime: the Parquet file's first isolates stand (the spill's R is not stored):
    # isolates 0, 1, 2, 8 (patients 0, 1, 2, 1: isolate 8 repeats patient 1) and not 9 (screening): 3, all S.
    resistance = kernel["resistance_rates"].filter(year=2025, geo_level="establishment", geo_code=A,
                                                   organism="ESCCOL", antibiotic="CTX")
    assert resistance.select("n_tested", "n_resistant").rows() == [(3, 0)]

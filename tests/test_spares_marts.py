"""SPARES marts on a small fixture, every expected value worked out by hand in the comments."""

import dagster as dg
import duckdb
import pytest
from scipy.stats import binomtest, chi2

from vigie.statistics import poisson_exact_interval, wilson_interval

TEST_KEY = "test-key-0123456789abcdef"
A, B, C, D = "310781406", "750100232", "2A0000123", "971000013"

ESTABLISHMENTS = f"""finess;name;department;category;beds
{A};CHU A;31;CHU;1000
{B};CH B;75;CH;300
{C};CH C;2A;CH;100
{D};CH D;971;CH;150
"""
ACTIVITY = f"""finess;year;sector;patient_days
{A};2024;MED;10000
{A};2024;REA;2000
{B};2024;MED;4000
{C};2024;MED;1000
{D};2024;MED;2000
"""
# A, MED: amoxicillin oral 1500 g = 1000 DDD, and 750 000 mg = 750 g = 500 DDD (DDD 1.5 g): 1500 DDD.
# A, REA: colistin 90 MU / 9 = 10 (Reserve); J01EE01 16 g / 1.6 (convention) = 10 (Access);
#         meropenem 30 g / 3 = 10 (Watch, J01DH); amoxicillin parenteral 30 g / 3 (not 1.5) = 10: 40 DDD.
# B: ciprofloxacin oral 400 g / 1 = 400 (Watch). C: amoxicillin oral 150 g = 100. D: 600 g = 400.
CONSUMPTION = f"""finess;year;sector;atc_code;route;quantity;unit
{A};2024;MED;J01CA04;O;1500;g
{A};2024;MED;J01CA04;O;750000;mg
{A};2024;REA;J01XB01;P;90;MU
{A};2024;REA;J01EE01;O;16;g
{A};2024;REA;J01DH02;P;30;g
{A};2024;REA;J01CA04;P;30;g
{B};2024;MED;J01MA02;O;400;g
{C};2024;MED;J01CA04;O;150;g
{D};2024;MED;J01CA04;O;600;g
"""
HEADER = "source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;antibiotic;sir;esbl;carbapenemase\n"


def _isolate(iso, patient, date, specimen, organism, results, esbl="", carbapenemase=""):
    return "".join(f"{A};HOSP;{iso};{patient};F;70;{date};{specimen};MED;;{organism};{ab};{sir};{esbl};{carbapenemase}\n"
                   for ab, sir in results)


ISOLATES = HEADER + "".join([
    # P1: first isolates on both sides of the new year: X1 (R) counts in 2024, X2 (S) in 2025.
    _isolate("X1", "P1", "2024-12-30", "BLOOD", "ESCCOL", [("CTX", "R")]),
    _isolate("X2", "P1", "2025-01-02", "BLOOD", "ESCCOL", [("CTX", "S")]),
    # P2: same-day duplicates, the tie is broken by isolate_id: X3 (S) is the first isolate.
    _isolate("X3", "P2", "2024-03-01", "URINE", "ESCCOL", [("CTX", "S")]),
    _isolate("X4", "P2", "2024-03-01", "URINE", "ESCCOL", [("CTX", "R")]),
    # P3: the screening isolate is excluded; the first isolate is X6 (S).
    _isolate("X5", "P3", "2024-02-01", "SCREEN", "ESCCOL", [("CTX", "R")]),
    _isolate("X6", "P3", "2024-02-10", "URINE", "ESCCOL", [("CTX", "S")]),
    # P4: the organism by name then by code is one species: the first isolate is X7 (R).
    _isolate("X7", "P4", "2024-05-01", "URINE", "Escherichia coli", [("CTX", "R")]),
    _isolate("X8", "P4", "2024-06-01", "URINE", "ESCCOL", [("CTX", "S")]),
    # P5: oxacillin R but cefoxitin S: not MRSA (cefoxitin prevails). P6: oxacillin R, no cefoxitin: MRSA,
    # then cefoxitin R later in the year: still one patient.
    _isolate("X9", "P5", "2024-04-01", "BLOOD", "STAAUR", [("FOX", "S"), ("OXA", "R")]),
    _isolate("X10", "P6", "2024-04-02", "PUS", "STAAUR", [("OXA", "R")]),
    _isolate("X11", "P6", "2024-07-01", "PUS", "STAAUR", [("FOX", "R"), ("OXA", "R")]),
    # P7: ESBL from the lab flag (CTX R too).
    _isolate("X12", "P7", "2024-08-01", "URINE", "KLEPNE", [("CTX", "R")], esbl="POS"),
])


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.resources import build_resources

    data_dir = tmp_path_factory.mktemp("spares") / "data"
    files = {"establishments": ESTABLISHMENTS, "spares_activity": ACTIVITY, "spares_consumption": CONSUMPTION,
             "isolates": ISOLATES}
    for dataset, text in files.items():
        (data_dir / "landing" / dataset).mkdir(parents=True)
        (data_dir / "landing" / dataset / "f.csv").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        resources = build_resources(data_dir=str(data_dir))
        result = defs.resolve_job_def("ingest_and_consolidate").execute_in_process(instance=instance, resources=resources)
        assert result.success
        con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)

        def query(sql):
            return con.sql(sql).fetchall()

        query.data_dir, query.instance, query.resources, query.defs = data_dir, instance, resources, defs
        yield query
        con.close()


def _rate(query, level, code, sector, group):
    [(value,)] = query(f"""SELECT ddd_per_1000_patient_days FROM marts.consumption_rates WHERE year = 2024
        AND geo_level = '{level}' AND geo_code = '{code}' AND sector = '{sector}' AND atc_group = '{group}'""")
    return value


def test_establishment_rates_with_unit_conversion_routes_and_conventions(marts):
    assert _rate(marts, "establishment", A, "MED", "ALL") == pytest.approx(1500 / 10000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "REA", "ALL") == pytest.approx(40 / 2000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "ALL", "ALL") == pytest.approx(1540 / 12000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "ALL", "J01DH") == pytest.approx(10 / 12000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", B, "ALL", "J01C") == 0.0, "an establishment without carbapenem counts 0"


def test_pooled_rate_is_a_ratio_of_sums_not_a_mean_of_rates(marts):
    national = _rate(marts, "national", "FR", "ALL", "ALL")
    assert national == pytest.approx(2440 / 19000 * 1000, abs=1e-9)  # 128.42..., the mean of rates is 132.08
    assert _rate(marts, "category", "CH", "ALL", "ALL") == pytest.approx(900 / 7000 * 1000, abs=1e-9)
    assert _rate(marts, "region", "11", "ALL", "ALL") == pytest.approx(100.0, abs=1e-9)
    [(n,)] = marts("SELECT n_establishments FROM marts.consumption_rates WHERE geo_level = 'national' "
                   "AND sector = 'ALL' AND atc_group = 'ALL'")
    assert n == 4


def test_aware_shares(marts):
    assert _rate(marts, "national", "FR", "ALL", "ACCESS") == pytest.approx(2020 / 19000 * 1000, abs=1e-9)
    assert _rate(marts, "national", "FR", "ALL", "WATCH") == pytest.approx(410 / 19000 * 1000, abs=1e-9)
    assert _rate(marts, "national", "FR", "ALL", "RESERVE") == pytest.approx(10 / 19000 * 1000, abs=1e-9)


def test_benchmark_percentiles_of_a_small_category(marts):
    # CH rates: B 100, C 100, D 200. Linear interpolation at (n - 1) p: P75 at 1.5 = 150, P90 at 1.8 = 180.
    [row] = marts("SELECT n_establishments, p10, p25, p50, p75, p90, pooled_rate FROM marts.consumption_benchmark "
                  "WHERE year = 2024 AND category = 'CH' AND sector = 'ALL' AND atc_group = 'ALL'")
    assert row[:6] == pytest.approx((3, 100, 100, 100, 150, 180), abs=1e-9)
    assert row[6] == pytest.approx(900 / 7000 * 1000, abs=1e-9)


def test_first_isolates_and_percent_resistant(marts):
    rows = marts("SELECT year, n_tested, n_resistant, pct_resistant, low_count FROM marts.resistance_rates "
                 "WHERE geo_level = 'national' AND organism = 'ESCCOL' AND antibiotic = 'CTX' ORDER BY year")
    # 2024: X1 R, X3 S, X6 S, X7 R. 2025: X2 S.
    assert rows == [(2024, 4, 2, 50.0, True), (2025, 1, 0, 0.0, True)]


def test_wilson_interval_against_scipy(marts):
    [(low, high)] = marts("SELECT ci_low, ci_high FROM marts.resistance_rates WHERE year = 2024 "
                          "AND geo_level = 'national' AND organism = 'ESCCOL' AND antibiotic = 'CTX'")
    reference = binomtest(2, 4).proportion_ci(confidence_level=0.95, method="wilson")
    assert low == pytest.approx(100 * reference.low, abs=1e-9)
    assert high == pytest.approx(100 * reference.high, abs=1e-9)
    for k, n in [(0, 1), (1, 30), (17, 200), (999, 1000)]:
        ref = binomtest(k, n).proportion_ci(method="wilson")
        assert wilson_interval(k, n) == pytest.approx((ref.low, ref.high), abs=1e-12)


def test_poisson_interval_against_scipy():
    for k in [0, 1, 2, 5, 30, 250, 10_000]:
        low, high = poisson_exact_interval(k)
        assert low == pytest.approx(0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2, abs=1e-9)
        assert high == pytest.approx(chi2.ppf(0.975, 2 * k + 2) / 2, abs=1e-9)


def test_resistant_incidence(marts):
    rows = dict((r[0], r[1:]) for r in marts(
        "SELECT phenotype, n_patients, patient_days, per_1000_patient_days, ci_low, ci_high "
        "FROM marts.resistant_incidence WHERE year = 2024 AND geo_level = 'national' AND sector = 'ALL'"))
    # MRSA: P6 only (P5 is cefoxitin S), counted once. C3G-R E. coli: P1, P2 (X4, a diagnostic duplicate)
    # and P4; P3's resistant isolate is a screening one. ESBL: P7.
    assert rows["MRSA"][:2] == (1, 12000)
    assert rows["C3GR_ECOLI"][0] == 3 and rows["ESBL_E"][0] == 1 and rows["ESBL_KPN"][0] == 1
    assert rows["C3GR_KPN"][0] == 1 and rows["VRE_EFM"][0] == 0 and rows["CPE"][0] == 0
    n, days, rate, low, high = rows["C3GR_ECOLI"]
    assert rate == pytest.approx(3 / 12000 * 1000, abs=1e-12)
    assert low == pytest.approx(chi2.ppf(0.025, 6) / 2 / 12000 * 1000, abs=1e-9)
    assert high == pytest.approx(chi2.ppf(0.975, 8) / 2 / 12000 * 1000, abs=1e-9)
    assert marts("SELECT count(*) FROM marts.resistant_incidence WHERE year = 2025") == [(0,)], \
        "no patient-days in 2025: no incidence"


def test_feedback_of_every_establishment(marts):
    folder = marts.data_dir / "outputs" / "feedback"
    for finess in (A, B, C, D):
        assert (folder / finess / "spares_2024.html").exists() and (folder / finess / "spares_2024.xlsx").exists()
    page = (folder / A / "spares_2024.html").read_text(encoding="utf-8")
    assert "Surveillance SPARES 2024" in page and "150,0" in page and "<svg" in page  # A's MED rate
    assert "effectif &lt; 30" in page, "4 tested E. coli: too few to interpret"
    assert "PAT-CLAIR" not in page and "P1" not in page
    import polars as pl

    sectors = pl.read_excel(folder / D / "spares_2024.xlsx", sheet_name="Secteurs")
    # CH rates: B 100, C 100, D 200: D is at the 100th percentile of its category.
    assert sectors.filter(pl.col("sector") == "ALL")["percentile"].to_list() == [100.0]


def test_feedback_sensor_follows_accepted_submissions(marts):
    sensor = marts.defs.resolve_sensor_def("spares_feedback_sensor")
    with dg.build_sensor_context(instance=marts.instance, resources=marts.resources) as context:
        request = sensor(context)
        assert isinstance(request, dg.RunRequest)
        assert request.run_config["ops"]["spares_establishment_feedback"]["config"]["finess"] == [A]
        assert int(context.cursor) > 0
        assert isinstance(sensor(context), dg.SkipReason), "nothing new since the cursor"

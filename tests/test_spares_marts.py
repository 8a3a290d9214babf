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
# B: ciprofloxacin oral 190 g / 1 = 190 (Watch); combinations counted in grams of the component carrying the WHO
#    DDD: amoxicillin-clavulanate 300 g of amoxicillin / 1.5 = 200 (Access), piperacillin-tazobactam 140 g of
#    piperacillin / 14 = 10 (Watch): 400 DDD. C: amoxicillin oral 150 g = 100. D: 600 g = 400.
CONSUMPTION = f"""finess;year;sector;atc_code;route;quantity;unit
{A};2024;MED;J01CA04;O;1500;g
{A};2024;MED;J01CA04;O;750000;mg
{A};2024;REA;J01XB01;P;90;MU
{A};2024;REA;J01EE01;O;16;g
{A};2024;REA;J01DH02;P;30;g
{A};2024;REA;J01CA04;P;30;g
{B};2024;MED;J01MA02;O;190;g
{B};2024;MED;J01CR02;O;300;g
{B};2024;MED;J01CR05;P;140;g
{C};2024;MED;J01CA04;O;150;g
{D};2024;MED;J01CA04;O;600;g
"""
HEADER = "source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;antibiotic;sir;esbl;carbapenemase\n"


def _isolate(iso, patient, date, specimen, organism, results, esbl="", carbapenemase="", source=A, setting="HOSP"):
    where = "MED;" if setting == "HOSP" else ";75"
    rows = []
    for ab, sir, *flags in results:
        row_esbl, row_carbapenemase = flags if flags else (esbl, carbapenemase)
        rows.append(f"{source};{setting};{iso};{patient};F;70;{date};{specimen};{where};{organism};{ab};{sir};"
                    f"{row_esbl};{row_carbapenemase}\n")
    return "".join(rows)


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
# B's laboratory, accepted with warnings (discordant carbapenemase rows, an unknown antibiotic, an unknown organism).
ISOLATES_B = HEADER + "".join([
    # Z1 in 2024 is a K. pneumoniae with KPC on one of its rows (positive wins over NEG); Z1 in 2025 is another
    # isolate, an S. aureus: laboratories number their isolates afresh each year.
    _isolate("Z1", "P20", "2024-03-01", "BLOOD", "Klebsiella pneumoniae", [("CTX", "R", "", "NEG"), ("MEM", "S", "", "KPC")],
             source=B),
    _isolate("Z1", "P21", "2025-02-01", "BLOOD", "S. aureus", [("FOX", "S")], source=B),
    # Z2: a community isolate sent under the hospital's FINESS: in the community figures, not in the incidence.
    _isolate("Z2", "P22", "2024-05-01", "URINE", "ESCCOL", [("CTX", "R")], esbl="POS", source=B, setting="COMM"),
    # Z3: E. coli written the short way; ZZZ is no antibiotic of the reference list.
    _isolate("Z3", "P23", "2024-06-01", "URINE", "E. coli", [("CIP", "R"), ("ZZZ", "R")], source=B),
    # Z4: K. pneumoniae with its subspecies and spaces; cefotaxime I counts in %I+R, not in %R.
    _isolate("Z4", "P24", "2024-07-01", "PUS", "k. pneumoniae  subsp. pneumoniae", [("CTX", "I")], esbl="NEG",
             source=B),
    # Z5: unknown organism, kept in raw but in no mart.
    _isolate("Z5", "P25", "2024-08-01", "PUS", "Bacterium imaginarius", [("AMX", "S")], source=B),
])


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.resources import build_resources

    data_dir = tmp_path_factory.mktemp("spares") / "data"
    files = {("establishments", "f.csv"): ESTABLISHMENTS, ("spares_activity", "f.csv"): ACTIVITY,
             ("spares_consumption", "f.csv"): CONSUMPTION, ("isolates", "a.csv"): ISOLATES,
             ("isolates", "b.csv"): ISOLATES_B}
    for (dataset, name), text in files.items():
        (data_dir / "landing" / dataset).mkdir(parents=True, exist_ok=True)
        (data_dir / "landing" / dataset / name).write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        resources = build_resources(data_dir=str(data_dir))
        result = defs.resolve_job_def("ingest_and_consolidate").execute_in_process(instance=instance, resources=resources)
        assert result.success
        reports = defs.resolve_job_def("yearly_reports")
        for year in ("2024", "2025"):
            assert reports.execute_in_process(instance=instance, resources=resources, partition_key=year).success

        def query(sql):
            con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
            try:
                return con.sql(sql).fetchall()
            finally:
                con.close()

        query.data_dir, query.instance, query.resources, query.defs = data_dir, instance, resources, defs
        yield query


def _rate(query, level, code, sector, group):
    [(value,)] = query(f"""SELECT ddd_per_1000_patient_days FROM marts.consumption_rates WHERE year = 2024
        AND geo_level = '{level}' AND geo_code = '{code}' AND sector = '{sector}' AND atc_group = '{group}'""")
    return value


def test_establishment_rates_with_unit_conversion_routes_and_conventions(marts):
    assert _rate(marts, "establishment", A, "MED", "ALL") == pytest.approx(1500 / 10000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "REA", "ALL") == pytest.approx(40 / 2000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "ALL", "ALL") == pytest.approx(1540 / 12000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", A, "ALL", "J01DH") == pytest.approx(10 / 12000 * 1000, abs=1e-9)
    assert _rate(marts, "establishment", B, "ALL", "J01DH") == 0.0, "an establishment without carbapenem counts 0"


def test_pooled_rate_is_a_ratio_of_sums_not_a_mean_of_rates(marts):
    national = _rate(marts, "national", "FR", "ALL", "ALL")
    assert national == pytest.approx(2440 / 19000 * 1000, abs=1e-9)  # 128.42..., the mean of rates is 132.08
    assert _rate(marts, "category", "CH", "ALL", "ALL") == pytest.approx(900 / 7000 * 1000, abs=1e-9)
    assert _rate(marts, "region", "11", "ALL", "ALL") == pytest.approx(100.0, abs=1e-9)
    [(n,)] = marts("SELECT n_establishments FROM marts.consumption_rates WHERE geo_level = 'national' "
                   "AND sector = 'ALL' AND atc_group = 'ALL'")
    assert n == 4


def test_aware_shares(marts):
    # Access: A 1500 + 10 (J01EE01) + 10 (amoxicillin P), B 200, C 100, D 400. Watch: A 10, B 190 + 10. Reserve: A 10.
    assert _rate(marts, "national", "FR", "ALL", "ACCESS") == pytest.approx(2220 / 19000 * 1000, abs=1e-9)
    assert _rate(marts, "national", "FR", "ALL", "WATCH") == pytest.approx(210 / 19000 * 1000, abs=1e-9)
    assert _rate(marts, "national", "FR", "ALL", "RESERVE") == pytest.approx(10 / 19000 * 1000, abs=1e-9)


def test_combination_products_count_the_component_carrying_the_ddd(marts):
    rows = marts(f"""SELECT atc_code, quantity, ddd, n_ddd FROM intermediate.int_consumption_ddd
        WHERE finess = '{B}' AND atc_code LIKE 'J01CR%' ORDER BY 1""")
    assert rows == [("J01CR02", 300.0, 1.5, pytest.approx(200.0)), ("J01CR05", 140.0, 14.0, pytest.approx(10.0))]
    assert _rate(marts, "establishment", B, "ALL", "J01CR") == pytest.approx(210 / 4000 * 1000, abs=1e-9)
    assert marts("SELECT count(*) FROM intermediate.int_consumption_ddd WHERE n_ddd IS NULL") == [(0,)]


def test_benchmark_percentiles_of_a_small_category(marts):
    # CH rates: B 100, C 100, D 200. Linear interpolation at (n - 1) p: P75 at 1.5 = 150, P90 at 1.8 = 180.
    [row] = marts("SELECT n_establishments, p10, p25, p50, p75, p90, pooled_rate FROM marts.consumption_benchmark "
                  "WHERE year = 2024 AND category = 'CH' AND sector = 'ALL' AND atc_group = 'ALL'")
    assert row[:6] == pytest.approx((3, 100, 100, 100, 150, 180), abs=1e-9)
    assert row[6] == pytest.approx(900 / 7000 * 1000, abs=1e-9)


def test_first_isolates_and_percent_resistant(marts):
    rows = marts("SELECT year, n_tested, n_resistant, pct_resistant, low_count FROM marts.resistance_rates "
                 "WHERE geo_level = 'national' AND setting = 'HOSP' AND organism = 'ESCCOL' AND antibiotic = 'CTX' "
                 "ORDER BY year")
    # 2024: X1 R, X3 S, X6 S, X7 R. 2025: X2 S.
    assert rows == [(2024, 4, 2, 50.0, True), (2025, 1, 0, 0.0, True)]


def test_wilson_interval_against_scipy(marts):
    [(low, high)] = marts("SELECT ci_low, ci_high FROM marts.resistance_rates WHERE year = 2024 AND setting = 'HOSP' "
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
    # A and B sent hospital isolates and patient-days: 12000 + 4000. MRSA: P6 only (P5 is cefoxitin S), counted
    # once. C3G-R E. coli: P1, P2 (X4, a diagnostic duplicate) and P4; P3's resistant isolate is a screening one, B's
    # Z2 a community one. ESBL: P7 (Z2, ESBL too, is a community isolate). CPE: Z1 of B (KPC on one of its rows).
    assert rows["MRSA"][:2] == (1, 16000)
    assert rows["C3GR_ECOLI"][0] == 3 and rows["ESBL_E"][0] == 1 and rows["ESBL_KPN"][0] == 1
    assert rows["C3GR_KPN"][0] == 2 and rows["VRE_EFM"][0] == 0 and rows["CPE"][0] == 1
    n, days, rate, low, high = rows["C3GR_ECOLI"]
    assert rate == pytest.approx(3 / 16000 * 1000, abs=1e-12)
    assert low == pytest.approx(chi2.ppf(0.025, 6) / 2 / 16000 * 1000, abs=1e-9)
    assert high == pytest.approx(chi2.ppf(0.975, 8) / 2 / 16000 * 1000, abs=1e-9)
    assert marts("SELECT count(*) FROM marts.resistant_incidence WHERE year = 2025") == [(0,)], \
        "no patient-days in 2025: no incidence"


def _one(marts, sql):
    [row] = marts(sql)
    return row


def test_an_isolate_is_identified_within_its_year(marts):
    rows = marts(f"SELECT year, organism FROM intermediate.int_isolates WHERE source_id = '{B}' AND isolate_id = 'Z1' "
                 "ORDER BY year")
    assert rows == [(2024, "KLEPNE"), (2025, "STAAUR")]
    assert _one(marts, f"""SELECT n_tested, n_resistant FROM marts.resistance_rates WHERE year = 2025
        AND geo_level = 'establishment' AND geo_code = '{B}' AND organism = 'STAAUR' AND antibiotic = 'FOX'""") == (1, 0)


def test_a_positive_carbapenemase_on_one_row_wins_over_neg(marts):
    assert _one(marts, f"SELECT carbapenemase FROM intermediate.int_isolates WHERE source_id = '{B}' AND year = 2024 "
                       "AND isolate_id = 'Z1'") == ("KPC",)
    assert _one(marts, f"""SELECT status FROM raw.submissions s JOIN raw.submission_keys k USING (submission_id)
        WHERE k.key_value = '{B}|2024' AND s.dataset = 'isolates'""") == ("accepted_with_warnings",)


def test_laboratory_spellings_and_unknown_codes(marts):
    # Z3 "E. coli" and Z4 "k. pneumoniae  subsp. pneumoniae" are counted under their species; ZZZ and the unknown
    # organism Z5 stay in raw and reach no mart.
    assert _one(marts, f"""SELECT n_tested, n_resistant, n_intermediate_or_resistant, pct_intermediate_or_resistant
        FROM marts.resistance_rates WHERE year = 2024 AND geo_level = 'establishment' AND geo_code = '{B}'
        AND setting = 'HOSP' AND organism = 'KLEPNE' AND antibiotic = 'CTX'""") == (2, 1, 2, 100.0)
    assert _one(marts, f"""SELECT n_tested FROM marts.resistance_rates WHERE year = 2024 AND geo_code = '{B}'
        AND organism = 'ESCCOL' AND antibiotic = 'CIP' AND setting = 'HOSP'""") == (1,)
    assert marts("SELECT count(*) FROM raw.isolates WHERE antibiotic = 'ZZZ' OR organism LIKE 'Bacterium%'") == [(2,)]
    for mart in ("resistance_rates", "resistance_phenotype_rates"):
        assert marts(f"SELECT count(*) FROM marts.{mart} WHERE organism NOT IN "
                     "(SELECT organism_code FROM reference.organisms UNION SELECT organism_group FROM reference.organisms)") == [(0,)]
    assert marts("SELECT count(*) FROM marts.resistance_rates WHERE antibiotic = 'ZZZ'") == [(0,)]


def test_community_isolates_under_a_hospital_finess_are_not_hospital_incidence(marts):
    rows = dict(marts(f"""SELECT phenotype, n_patients FROM marts.resistant_incidence WHERE year = 2024
        AND geo_level = 'establishment' AND geo_code = '{B}' AND sector = 'ALL'"""))
    assert rows["ESBL_E"] == 0 and rows["C3GR_ECOLI"] == 0 and rows["CPE"] == 1 and rows["C3GR_KPN"] == 1
    assert _one(marts, f"""SELECT n_tested, n_resistant FROM marts.resistance_rates WHERE year = 2024
        AND geo_code = '{B}' AND setting = 'COMM' AND organism = 'ESCCOL' AND antibiotic = 'CTX'""") == (1, 1)


def _phenotypes(marts, code):
    return {(r[0], r[1]): r[2:] for r in marts(f"""SELECT phenotype, organism, n_tested, n_resistant, pct, ci_low, ci_high
        FROM marts.resistance_phenotype_rates WHERE year = 2024 AND geo_level = 'establishment'
        AND geo_code = '{code}' AND setting = 'HOSP'""")}


def test_composite_resistance_proportions(marts):
    b = _phenotypes(marts, B)
    # B's first isolates of 2024: Z1 (K. pneumoniae: CTX R, MEM S, KPC), Z3 (E. coli: CIP R), Z4 (K. pneumoniae:
    # CTX I, ESBL NEG). 3GC-R among isolates tested for one of CTX, CRO, CAZ: Z1, Z4 -> 1 of 2.
    assert b[("C3GR", "Enterobacterales")][:3] == (2, 1, 50.0) and b[("C3GR", "KLEPNE")][:2] == (2, 1)
    assert ("C3GR", "ESCCOL") not in b, "Z3 was tested for no third-generation cephalosporin"
    assert b[("FQR", "Enterobacterales")][:2] == (1, 1) and b[("FQR", "ESCCOL")][:2] == (1, 1)
    assert b[("CARBR", "KLEPNE")][:2] == (1, 0)
    assert b[("ESBL", "Enterobacterales")][:2] == (1, 0), "only Z4 has an ESBL result"
    assert b[("CPE", "Enterobacterales")][:2] == (1, 1) and b[("CPE", "KLEPNE")][:2] == (1, 1)
    a = _phenotypes(marts, A)
    # A: MRSA among first S. aureus isolates X9 (cefoxitin S: prevails) and X10 (oxacillin R, no cefoxitin).
    assert a[("MRSA", "STAAUR")][:3] == (2, 1, 50.0)
    # 3GC-R among first Enterobacterales: X1 R, X3 S, X6 S, X7 R (E. coli), X12 R (K. pneumoniae).
    assert a[("C3GR", "Enterobacterales")][:2] == (5, 3) and a[("C3GR", "ESCCOL")][:2] == (4, 2)
    assert a[("ESBL", "KLEPNE")][:2] == (1, 1)


def test_wilson_bounds_are_exact_at_zero_and_at_n(marts):
    b = _phenotypes(marts, B)
    assert b[("CARBR", "KLEPNE")][3] == 0.0, "none resistant: the lower bound is exactly 0"
    assert b[("FQR", "ESCCOL")][4] == 100.0, "all resistant: the upper bound is exactly 100"
    low, high = wilson_interval(0, 1)
    assert b[("CARBR", "KLEPNE")][4] == pytest.approx(100 * high, abs=1e-9)
    assert marts("SELECT count(*) FROM marts.resistance_rates WHERE pct_resistant < ci_low OR pct_resistant > ci_high") \
        == [(0,)]


def _report(data_dir, finess, year, suffix="html"):
    return data_dir / "outputs" / "reports" / finess / str(year) / f"rapport_{finess}_{year}.{suffix}"


def test_reports_of_every_participant_and_year_in_three_formats(marts):
    expected = {(A, 2024), (B, 2024), (C, 2024), (D, 2024), (A, 2025), (B, 2025)}
    # and the regional output of each of their regions (regional_outputs): Occitanie (76), Île-de-France (11), Corse
    # (94), Guadeloupe (01)
    regions = {("76", 2024), ("11", 2024), ("94", 2024), ("01", 2024), ("76", 2025), ("11", 2025)}
    assert set(marts("SELECT participant_id, year FROM marts.report_participants")) == expected | regions
    assert not (marts.data_dir / "outputs" / "reports" / "76").exists(), "a region's output is not a report"
    for finess, year in expected:
        for suffix in ("html", "pdf", "xlsx"):
            assert _report(marts.data_dir, finess, year, suffix).exists(), (finess, year, suffix)
    assert _report(marts.data_dir, A, 2024, "pdf").read_bytes().startswith(b"%PDF")
    page = _report(marts.data_dir, A, 2024).read_text(encoding="utf-8")
    assert "Surveillance 2024" in page and "150,0" in page and "<svg" in page  # A's MED rate
    assert "moins de 30 souches testées" in page, "4 tested E. coli: flagged"
    assert "Escherichia coli" in page and "Céfotaxime" in page and "Réanimation" in page, "labels, not codes"
    assert "envois reçus jusqu" in page
    assert "PAT-CLAIR" not in page and "P1" not in page


def test_workbook_matches_the_page(marts):
    import openpyxl

    book = openpyxl.load_workbook(_report(marts.data_dir, D, 2024, "xlsx"))
    sheet = book["Secteurs"]
    assert sheet["A1"].value.startswith("CH D") and sheet.freeze_panes == "A6" and sheet.auto_filter.ref
    header = [c.value for c in sheet[5]]
    assert header[:4] == ["Secteur", "Votre taux (DDJ pour 1000 JH)", "DDJ", "Journées"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=6, values_only=True)}
    assert rows["Tous secteurs"][1] == pytest.approx(200.0)
    # A category of three: no quartile of it is shown, in the page or the workbook.
    assert all(v is None for v in rows["Tous secteurs"][5:8])


def test_sensor_requests_each_participant_s_years(marts):
    from orchestration.partitions import year_region_key

    sensor = marts.defs.resolve_sensor_def("participant_report_sensor")
    with dg.build_sensor_context(instance=marts.instance, resources=marts.resources) as context:
        requests = sensor(context)
        reports = [r for r in requests if r.job_name == "yearly_reports"]
        assert {r.partition_key: r.run_config["ops"]["participant_reports"]["config"]["participants"]
                for r in reports} == {"2024": sorted([A, B, C, D]), "2025": [A, B]}
        outputs = {str(r.partition_key) for r in requests if r.job_name == "produce_regional_outputs"}
        assert outputs == {str(year_region_key(y, r)) for y, r in [(2024, "76"), (2024, "11"), (2024, "94"),
                                                                    (2024, "01"), (2025, "76"), (2025, "11")]}
        assert isinstance(sensor(context), dg.SkipReason), "nothing new since the cursor"


def test_a_correction_of_one_year_rewrites_that_year_s_report_only(marts):
    import os

    from orchestration.partitions import year_region_key

    reports = marts.data_dir / "outputs" / "reports"
    before = {(f, y): os.readlink(reports / f / str(y)) for f, y in [(A, 2024), (A, 2025), (B, 2024)]}
    corrected = f"finess;year;sector;patient_days\n{A};2024;MED;11000\n{A};2024;REA;2000\n"
    (marts.data_dir / "landing" / "spares_activity" / "corrige.csv").write_text(corrected, encoding="utf-8")
    resources, instance = marts.resources, marts.instance
    assert marts.defs.resolve_job_def("ingest_and_consolidate").execute_in_process(
        instance=instance, resources=resources).success
    sensor = marts.defs.resolve_sensor_def("participant_report_sensor")
    with dg.build_sensor_context(instance=instance, resources=resources,
                                 cursor=str(marts("SELECT max(ingest_seq) - 1 FROM raw.submissions")[0][0])) as context:
        [request, regional] = sensor(context)
    assert request.partition_key == "2024" and regional.partition_key == year_region_key(2024, "76"), "A's region"
    assert request.run_config["ops"]["participant_reports"]["config"]["participants"] == [A]
    job = marts.defs.resolve_job_def("yearly_reports")
    assert job.execute_in_process(instance=instance, resources=resources, partition_key="2024",
                                  run_config=request.run_config).success
    after = {key: os.readlink(reports / key[0] / str(key[1])) for key in before}
    assert after[(A, 2024)] != before[(A, 2024)], "the corrected year's report is rewritten"
    assert after[(A, 2025)] == before[(A, 2025)] and after[(B, 2024)] == before[(B, 2024)]
    assert "136,4" in _report(marts.data_dir, A, 2024).read_text(encoding="utf-8")  # MED: 1500 DDD / 11 000 JH


def test_nightly_schedule_requests_every_year_with_data(marts):
    import datetime as dt

    schedule = marts.defs.resolve_schedule_def("nightly_reports_schedule")
    context = dg.build_schedule_context(instance=marts.instance, resources=marts.resources,
                                        repository_def=marts.defs.get_repository_def(),
                                        scheduled_execution_time=dt.datetime(2026, 3, 2, 3))
    requests = schedule.evaluate_tick(context).run_requests
    assert [(r.partition_key, r.run_key) for r in requests] == [("2024", "nightly-reports-2024-20260302"),
                                                                ("2025", "nightly-reports-2025-20260302")]

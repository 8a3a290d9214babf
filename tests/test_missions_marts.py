"""PRIMO, SPIADI, SPICMI, MATIS and the follow-up of IAS reports on a small fixture, every expected value worked out
by hand in the comments."""

import html
import json
import os
import shutil

import dagster as dg
import duckdb
import pytest
from scipy.stats import chi2

TEST_KEY = "test-key-0123456789abcdef"
A, B, C, D = "310781406", "750100232", "2A0000123", "971000013"
STAMP_2024_12_31 = 1_735_646_400  # 2024-12-31 12:00 UTC

ESTABLISHMENTS = f"""finess;name;department;category;beds
{A};CHU A;31;CHU;1000
{B};CH B;75;CH;300
{C};CH C;2A;CH;100
{D};CH D;971;CH;150
"""
# SPIADI, A 2024. ALL: 10 000 patient-days; CVC-days 700, PICC 200, PORT 250, PVC 4300.
EXPOSURE = f"""finess;year;sector;patient_days;cvc_days;picc_days;port_days;pvc_days
{A};2024;REA;1000;500;100;50;300
{A};2024;MED;9000;200;100;200;4000
"""
# Acquired here (THIS_ES): E1, E2 (REA, CVC), E3 (MED, PICC), E4 (MED, urinary); E5 elsewhere, E6 in the community.
BACTEREMIA = f"""finess;year;episode_id;patient_id;sample_date;sector;organism;portal;device_associated;acquisition
{A};2024;E1;PAT-CLAIR-E1;2024-03-01;REA;S. aureus;CVC;Y;THIS_ES
{A};2024;E2;PAT-CLAIR-E2;2024-04-01;REA;STAAUR;CVC;Y;THIS_ES
{A};2024;E3;PAT-CLAIR-E3;2024-05-01;MED;Escherichia coli;PICC;Y;THIS_ES
{A};2024;E4;PAT-CLAIR-E4;2024-06-01;MED;ESCCOL;URINARY;N;THIS_ES
{A};2024;E5;PAT-CLAIR-E5;2024-07-01;MED;KLEPNE;PVC;Y;OTHER_ES
{A};2024;E6;PAT-CLAIR-E6;2024-08-01;MED;ESCCOL;UNKNOWN;N;COMMUNITY
"""
ISOLATE_HEADER = ("source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;"
                  "antibiotic;sir;esbl;carbapenemase\n")
# E1's blood culture, two days later: an MRSA (cefoxitin R). E2's was never linked (another patient).
# LAB00001, community urine E. coli, cefotaxime: ages and sexes at the age groups' boundaries.
ISOLATES = ISOLATE_HEADER + f"""{A};HOSP;H1;PAT-CLAIR-E1;M;60;2024-03-03;BLOOD;REA;;STAAUR;FOX;R;;
""" + "".join(f"LAB00001;COMM;U{age};PAT-CLAIR-U{age};{sex};{age};2024-05-02;URINE;;31;ESCCOL;CTX;{sir};;\n"
              for age, sex, sir in [(14, "F", "R"), (15, "M", "S"), (64, "F", "S"), (65, "M", "R"), (74, "F", "S"),
                                    (75, "U", "R")])
# HPRO durations of the country: 60, 80, 100, 120, 140: the 75th percentile, at (5 - 1) × 0.75 = 3, is 120 itself.
PROCEDURES = """finess;year;procedure_id;patient_id;procedure_code;procedure_date;asa;wound_class;duration_min;implant;ssi;ssi_depth;ssi_date;followup_days
{A};2024;S1;PAT-CLAIR-S1;HPRO;2024-03-01;1;1;60;Y;N;;;90
{A};2024;S2;PAT-CLAIR-S2;HPRO;2024-03-02;3;1;80;Y;N;;;90
{A};2024;S3;PAT-CLAIR-S3;HPRO;2024-03-03;2;3;100;Y;Y;DEEP;2024-04-01;90
{A};2024;S4;PAT-CLAIR-S4;HPRO;2024-03-04;3;3;140;Y;Y;SUP;2024-03-20;90
{C};2024;C1;PAT-CLAIR-C1;HPRO;2024-03-05;3;1;120;Y;N;;;90
{B};2024;B1;PAT-CLAIR-B1;CHOL;2024-03-06;1;2;50;N;N;;;30
{B};2024;B2;PAT-CLAIR-B2;CHOL;2024-03-07;1;2;70;N;N;;;30
""".format(A=A, B=B, C=C)
# ICSHA target of 1000 MED patient-days: 1000 × 7 frictions × 3 mL = 21 L.
ICSHA_SHARES = {(A, 2023): "16.8", (A, 2024): "16.81", (B, 2023): "12.6", (B, 2024): "12.59", (C, 2023): "8.4",
                (C, 2024): "4.2", (D, 2023): "4.19", (D, 2024): "21"}
ICSHA = "finess;year;activity;activity_volume;hand_rub_liters\n" + "".join(
    f"{f};{y};MED;1000;{liters}\n" for (f, y), liters in ICSHA_SHARES.items() if (f, y) != (D, 2024)
) + f"{D};2024;MED;1000;\n{D};2024;TOTAL;;21\n"
# 1000 inhabitants; 1500 g of amoxicillin = 1000 DDD in 2023 and in 2024 (a leap year).
POPULATION = "department;year;population\n31;2023;1000\n31;2024;1000\n"
COMMUNITY = ("department;year;atc_code;route;quantity;unit;prescriptions\n"
             "31;2023;J01CA04;O;1500;g;40\n31;2024;J01CA04;O;1500;g;50\n")
SIGNALEMENTS_1 = f"""signal_id;finess;declared_on;first_case_on;criteria;organism;resistance;cases;deaths;cpias_support;status;closed_on
ES-1;{A};2024-02-02;2024-01-30;1A|2;KLEPNE;CPE;3;0;Y;OPEN;
ES-2;{B};2024-03-10;2024-03-01;2;;NONE;2;1;N;OPEN;
"""
SIGNALEMENTS_2 = f"""signal_id;finess;declared_on;first_case_on;criteria;organism;resistance;cases;deaths;cpias_support;status;closed_on
ES-1;{A};2024-02-02;2024-01-30;1A|2;KLEPNE;CPE;4;1;Y;CLOSED;2024-03-03
ES-3;{A};2024-12-15;2024-12-10;3;;NONE;1;1;N;OPEN;
"""
FILES = [("establishments", ESTABLISHMENTS), ("spiadi_exposure", EXPOSURE), ("spiadi_bacteremia", BACTEREMIA),
         ("isolates", ISOLATES), ("spicmi_procedures", PROCEDURES), ("icsha", ICSHA), ("population", POPULATION),
         ("community_consumption", COMMUNITY), ("signalements", SIGNALEMENTS_1), ("signalements", SIGNALEMENTS_2)]


@pytest.fixture(scope="module")
def marts(tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.resources import build_resources

    data_dir = tmp_path_factory.mktemp("missions") / "data"
    for n, (dataset, text) in enumerate(FILES):
        path = data_dir / "landing" / dataset / f"f{n}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (STAMP_2024_12_31 + n, STAMP_2024_12_31 + n))  # the second e-SIN extraction comes later
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        resources = build_resources(data_dir=str(data_dir))
        result = defs.resolve_job_def("ingest_and_consolidate").execute_in_process(instance=instance, resources=resources)
        assert result.success
        con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
        assert con.sql("SELECT count(*) FROM raw.submissions WHERE status = 'rejected'").fetchall() == [(0,)]

        def query(sql):
            return con.sql(sql).fetchall()

        query.data_dir, query.instance, query.resources, query.defs = data_dir, instance, resources, defs
        yield query
        con.close()


def _poisson(k, exposure, per):
    return (0 if k == 0 else chi2.ppf(0.025, 2 * k) / 2 / exposure * per, chi2.ppf(0.975, 2 * k + 2) / 2 / exposure * per)


def test_bacteremia_rates(marts):
    rows = {r[0]: r[1:] for r in marts(f"""SELECT sector, n_episodes, patient_days, per_1000_patient_days, ci_low, ci_high,
        n_device_associated, pct_device_associated, n_other_es, n_community FROM marts.bacteremia_rates
        WHERE year = 2024 AND geo_level = 'establishment' AND geo_code = '{A}'""")}
    n, days, rate, low, high, device, pct_device, other, community = rows["ALL"]
    assert (n, days, device, other, community) == (4, 10000, 3, 1, 1), "E5 and E6 are counted apart"
    assert rate == pytest.approx(0.4) and pct_device == pytest.approx(75.0)
    assert (low, high) == pytest.approx(_poisson(4, 10000, 1000))
    assert rows["REA"][:3] == (2, 1000, pytest.approx(2.0)) and rows["MED"][2] == pytest.approx(2 / 9000 * 1000)
    assert marts("SELECT n_episodes FROM marts.bacteremia_rates WHERE geo_level = 'national' AND sector = 'ALL'") == [(4,)]


def test_device_rates_per_device_type(marts):
    rows = {r[0]: r[1:] for r in marts(f"""SELECT device, n_episodes, device_days, per_1000_device_days, ci_low, ci_high
        FROM marts.device_rates WHERE year = 2024 AND geo_level = 'establishment' AND geo_code = '{A}' AND sector = 'ALL'""")}
    # CVC: E1, E2 over 500 + 200 CVC-days; PICC: E3 over 200; PORT: none over 250; PVC: E5 was acquired elsewhere.
    assert rows["CVC"][:3] == (2, 700, pytest.approx(2 / 700 * 1000))
    assert rows["PICC"][:3] == (1, 200, pytest.approx(5.0))
    assert rows["PORT"][:3] == (0, 250, 0.0) and rows["PVC"][:3] == (0, 4300, 0.0)
    assert rows["CVC"][3:] == pytest.approx(_poisson(2, 700, 1000))
    assert rows["PORT"][3:] == pytest.approx((0.0, chi2.ppf(0.975, 2) / 2 / 250 * 1000))
    rea = dict(marts(f"""SELECT device, device_days FROM marts.device_rates WHERE geo_level = 'establishment'
        AND geo_code = '{A}' AND sector = 'REA'"""))
    assert rea == {"CVC": 500, "PICC": 100, "PORT": 50, "PVC": 300}


def test_portals_organisms_and_the_resistance_of_linked_isolates(marts):
    rows = {(r[0], r[1], r[2]): r[3:] for r in marts("""SELECT breakdown, code, phenotype, n_episodes, pct_episodes,
        n_tested, n_resistant FROM marts.bacteremia_portals WHERE year = 2024 AND geo_level = 'national'""")}
    # THIS_ES: E1, E2 (CVC), E3 (PICC): C-CVC 3 of 4; E4 urinary: S-UTI. Organisms: S. aureus 2, E. coli 2.
    assert rows[("portal", "C-CVC", None)][:2] == (3, 75.0) and rows[("portal", "S-UTI", None)][:2] == (1, 25.0)
    assert rows[("organism", "STAAUR", None)][:2] == (2, 50.0) and rows[("organism", "ESCCOL", None)][:2] == (2, 50.0)
    # E1 is linked to H1 (same patient, organism, two days apart): MRSA.
    assert rows[("organism_phenotype", "STAAUR", "MRSA")] == (1, None, 1, 1)


def test_nnis_cutoffs_computed_and_the_cutoff_itself_scores_no_point(marts):
    assert marts("SELECT procedure_code, cutoff_minutes FROM marts.ssi_duration_cutoffs ORDER BY 1") == [
        ("CHOL", 65.0), ("HPRO", 120.0)]  # CHOL: 50 + 0.75 × (70 - 50)
    scored = dict(marts("SELECT procedure_id, nnis_index FROM intermediate.int_procedures_scored"))
    assert scored == {"S1": 0, "S2": 1, "S3": 1, "S4": 3, "C1": 1, "B1": 0, "B2": 1}, "C1 lasts exactly 120 min"


def test_ssi_rates(marts):
    rows = {(r[0], r[1]): r[2:] for r in marts("""SELECT procedure_code, nnis_index, n_procedures, n_ssi, pct_ssi,
        n_ssi_superficial, n_ssi_deep FROM marts.ssi_rates WHERE year = 2024 AND geo_level = 'national'""")}
    assert rows[("HPRO", "ALL")] == (5, 2, 40.0, 1, 1)
    assert rows[("HPRO", "1")][:3] == (3, 1, pytest.approx(100 / 3)) and rows[("HPRO", "3")][:3] == (1, 1, 100.0)
    assert rows[("ALL", "ALL")][:2] == (7, 2) and rows[("ALL", "0")][:2] == (2, 0)


def test_sir_with_observed_none_and_expected_under_one(marts):
    rows = {(r[0], r[1]): r[2:] for r in marts("""SELECT finess, procedure_code, observed, expected, sir, ci_low, ci_high,
        expected_under_one FROM marts.ssi_sir WHERE year = 2024""")}
    # National HPRO strata: NNIS 0: 0/1; NNIS 1: 1/3 (S2, S3, C1); NNIS 3: 1/1.
    observed, expected, sir, low, high, under_one = rows[(A, "HPRO")]
    assert (observed, expected, sir, under_one) == (2, pytest.approx(5 / 3), pytest.approx(1.2), False)
    assert (low, high) == pytest.approx((chi2.ppf(0.025, 4) / 2 / (5 / 3), chi2.ppf(0.975, 6) / 2 / (5 / 3)))
    observed, expected, sir, low, high, under_one = rows[(C, "HPRO")]
    assert (observed, expected, sir, low, under_one) == (0, pytest.approx(1 / 3), 0.0, 0.0, True)
    assert high == pytest.approx(chi2.ppf(0.975, 2) / 2 * 3)
    assert rows[(A, "ALL")][:2] == (2, pytest.approx(5 / 3))


def test_icsha_at_each_class_boundary(marts):
    rows = {(r[0], r[1]): r[2:] for r in marts("SELECT finess, year, target_liters, icsha_pct, icsha_class FROM marts.icsha_results")}
    assert rows[(A, 2023)] == (pytest.approx(21.0), pytest.approx(80.0), "B"), "80 % is B: A is above 80"
    assert rows[(A, 2024)][2] == "A" and rows[(B, 2023)][2] == "B" and rows[(B, 2024)][2] == "C"
    assert rows[(C, 2023)][2] == "C" and rows[(C, 2024)][2] == "D" and rows[(D, 2023)][2] == "E"
    assert rows[(D, 2024)] == (pytest.approx(21.0), pytest.approx(100.0), "A"), "the total given on a TOTAL row"
    distribution = dict(marts("""SELECT icsha_class, n_establishments FROM marts.icsha_class_distribution
        WHERE year = 2024 AND geo_level = 'national'"""))
    assert distribution == {"A": 2, "B": 0, "C": 1, "D": 1, "E": 0}


def test_community_consumption_across_a_leap_year(marts):
    rows = {r[0]: r[1:] for r in marts("""SELECT year, ddd, population, did, prescriptions, prescriptions_per_1000
        FROM marts.community_consumption_rates WHERE geo_level = 'department' AND geo_code = '31' AND atc_group = 'J01'""")}
    assert rows[2023] == (pytest.approx(1000.0), 1000, pytest.approx(1000 * 1000 / (1000 * 365)), 40, pytest.approx(40.0))
    assert rows[2024][2] == pytest.approx(1000 * 1000 / (1000 * 366)), "2024 has 366 days"
    assert marts("""SELECT pct_of_j01 FROM marts.community_consumption_rates WHERE year = 2024 AND geo_level = 'national'
        AND atc_group = 'ACCESS'""") == [(pytest.approx(100.0),)]


def test_community_resistance_by_age_group_at_the_boundaries_and_by_sex(marts):
    rows = {(r[0], r[1]): r[2:] for r in marts("""SELECT age_group, sex, n_tested, n_resistant FROM marts.community_resistance
        WHERE year = 2024 AND geo_level = 'department' AND geo_code = '31' AND organism = 'ESCCOL' AND antibiotic = 'CTX'""")}
    # 14 R | 15 S, 64 S | 65 R, 74 S | 75 R (sex unknown: in ALL only).
    assert rows[("0-14", "ALL")] == (1, 1) and rows[("15-64", "ALL")] == (2, 0)
    assert rows[("65-74", "ALL")] == (2, 1) and rows[("75+", "ALL")] == (1, 1) and rows[("ALL", "ALL")] == (6, 3)
    assert rows[("ALL", "F")] == (3, 1) and rows[("ALL", "M")] == (2, 1) and ("75+", "U") not in rows
    assert marts("""SELECT n_tested, n_resistant FROM marts.community_phenotype_rates WHERE year = 2024
        AND geo_level = 'national' AND setting = 'COMM' AND age_group = 'ALL' AND sex = 'ALL' AND phenotype = 'C3GR'
        AND organism = 'ESCCOL'""") == [(6, 3)]


def test_strategy_indicators_read_from_the_missions_marts(marts):
    rows = {r[0]: r[1:] for r in marts("""SELECT indicator_code, numerator, denominator, value, ci_low, ci_high, status
        FROM marts.strategy_indicators WHERE year = 2024 AND geo_level = 'national'""")}
    # Community 2024: 1000 DDD of amoxicillin (Access) for 1000 inhabitants over 366 days, 50 prescriptions.
    assert rows["COMM_J01_DID"][:3] == (pytest.approx(1000.0), 1000, pytest.approx(1000 * 1000 / (1000 * 366)))
    assert rows["J01_DID"][2] == pytest.approx(1000 * 1000 / (1000 * 366)), "no hospital consumption in the fixture"
    assert rows["COMM_PRESCRIPTIONS"][2:] == (pytest.approx(50.0), None, None, "met"), "50 <= 650"
    assert rows["ACCESS_SHARE"][2] == pytest.approx(100.0) and rows["ACCESS_SHARE"][-1] == "met"
    # 3 of 6 community E. coli urine isolates resistant to cefotaxime: 50 %, but fewer than 30 tested.
    assert rows["COMM_ECOLI_C3GR"][:3] == (3, 6, pytest.approx(50.0))
    assert rows["COMM_ECOLI_C3GR"][-1] == "insufficient_data"
    # H1, A's MRSA blood culture: 1 for 1000 inhabitants = 100 per 100 000; no 2019 baseline to measure against.
    assert rows["MRSA_BSI"][:5] == (1, 1000, pytest.approx(100.0), *map(pytest.approx, _poisson(1, 1000, 100_000)))
    assert rows["MRSA_BSI"][-1] == "insufficient_data"
    assert marts("""SELECT n_tested, n_resistant, pct FROM marts.bloodstream_resistance WHERE year = 2024
        AND geo_level = 'region' AND geo_code = '76' AND phenotype = 'MRSA' AND organism = 'STAAUR'""") == [
        (1, 1, pytest.approx(100.0))]


def test_each_build_publishes_the_analysts_copy_with_its_documentation(marts):
    current = marts.data_dir / "outputs" / "analysts" / "current"
    con = duckdb.connect(str(current / "vigie.duckdb"), read_only=True)
    assert con.sql("SELECT count(*) FROM marts.strategy_indicators").fetchall() == marts(
        "SELECT count(*) FROM marts.strategy_indicators")
    assert con.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'staging'").fetchall() == [(0,)]
    con.close()
    assert (current / "parquet" / "marts" / "ssi_rates.parquet").stat().st_size > 0
    docs = (current / "docs" / "index.html").read_text(encoding="utf-8")
    assert "bloodstream_resistance" in docs and "<script" in docs


def test_spf_package_is_checked_against_its_manifest(marts, tmp_path):
    from vigie.cli import main
    from vigie.transmission import verify_package

    result = marts.defs.resolve_job_def("transmit_to_spf").execute_in_process(
        instance=marts.instance, resources=marts.resources, partition_key="2024")
    assert result.success
    published = marts.data_dir / "outputs" / "transmissions" / "spf" / "2024"
    files = {f["path"]: f for f in json.loads((published / "manifest.json").read_text())["files"]}
    assert files["data/isolates.parquet"]["rows"] == 7, "H1 and the six community urine isolates of 2024"
    assert files["marts/ssi_rates.parquet"]["rows"] == marts("SELECT count(*) FROM marts.ssi_rates WHERE year = 2024")[0][0]
    dictionary = (published / "data_dictionary.csv").read_text(encoding="utf-8")
    assert "marts/strategy_indicators.parquet,marts.strategy_indicators,status,VARCHAR,\"met, on_track" in dictionary
    assert verify_package(published) == [] and main(["verify-package", str(published)]) == 0
    package = tmp_path / "received"
    shutil.copytree(published, package)
    isolates = package / "data" / "isolates.parquet"
    content = bytearray(isolates.read_bytes())
    content[len(content) // 2] ^= 0x01
    isolates.write_bytes(bytes(content))
    (package / "marts" / "ssi_rates.parquet").unlink()
    (package / "notes.txt").write_text("added")
    assert verify_package(package) == [
        "notes.txt: not listed in the manifest",
        "data/isolates.parquet: SHA-256 differs from the manifest (altered or truncated)",
        "marts/ssi_rates.parquet: missing"]
    assert main(["verify-package", str(package)]) == 1


def test_funnel_point_of_an_establishment(marts):
    # A, 2024: 4 bacteraemia acquired here over 10 000 patient-days, alone in the nation: 0.4 per 1000 both ways.
    # Poisson(4): F(7) = 0.948866, F(8) = 0.978637; 97.5 % limit 8 - (0.978637 - 0.975) / 0.029771 = 7.877843
    # episodes, 0.787784 per 1000.
    [(value, national, upper_95, position)] = marts("""SELECT value, national_value, upper_95, position
        FROM marts.establishment_funnel_points WHERE indicator = 'BACTEREMIA' AND year = 2024""")
    assert (value, national, position) == (pytest.approx(0.4), pytest.approx(0.4), "within")
    assert upper_95 == pytest.approx(0.787784, abs=1e-5)


def test_signalement_followup_with_delays_across_months_and_an_update(marts):
    # ES-1 declared on 2 February, first case on 30 January: 3 days; updated by the second extraction (closed on
    # 3 March: 30 days; 4 cases, 1 death). ES-2: 9 days, open, 1 death. ES-3: 5 days, open, 1 death. As of 31
    # December 2024.
    [row] = marts("""SELECT n_reports, n_cases, n_deaths, n_cpias_support, median_delay_days, median_closure_days,
        n_open, median_open_age_days FROM marts.signalement_followup WHERE year = 2024 AND month = 'ALL'
        AND geo_level = 'national' AND breakdown = 'ALL'""")
    assert row == (3, 7, 3, 1, 5.0, 30.0, 2, (296 + 16) / 2)
    by_month = dict(marts("""SELECT month, n_reports FROM marts.signalement_followup WHERE year = 2024
        AND geo_level = 'national' AND breakdown = 'ALL' AND month <> 'ALL'"""))
    assert by_month == {"02": 1, "03": 1, "12": 1}
    criteria = dict(marts("""SELECT code, n_reports FROM marts.signalement_followup WHERE year = 2024 AND month = 'ALL'
        AND geo_level = 'national' AND breakdown = 'criterion'"""))
    assert criteria == {"1A": 1, "2": 2, "3": 1}
    assert marts("SELECT signal_id, region_code, open_age_days FROM marts.signalements_open") == [("ES-2", "11", 296)]
    assert marts("SELECT count(*) FROM raw.signalements WHERE signal_id = 'ES-1'") == [(2,)], "history kept"


def test_every_participant_gets_its_report(marts):
    from vigie.reports.writer import write_reports
    from vigie.settings import Settings

    settings = Settings(marts.data_dir, TEST_KEY.encode(), False)
    summary = write_reports(settings, 2024)
    kinds = dict(marts("SELECT participant_id, participant_kind FROM marts.report_participants WHERE year = 2024"))
    assert kinds == {A: "establishment", B: "establishment", C: "establishment", D: "establishment",
                     "LAB00001": "laboratory", "76": "region", "11": "region", "94": "region", "01": "region"}
    assert sorted(p for p, _ in summary.written) == sorted(p for p, kind in kinds.items() if kind != "region")

    def page(participant, folder="reports", stem="rapport"):
        return (settings.outputs_dir / folder / participant / "2024" / f"{stem}_{participant}_2024.html").read_text(
            encoding="utf-8")

    hospital = page(A)
    assert "Bactériémies associées aux dispositifs invasifs" in hospital and "Prothèse de hanche" in hospital
    assert "1,20" in hospital, "A's SIR for hip prosthesis"
    assert "Hygiène des mains" in hospital and "ICSHA" in hospital
    laboratory = page("LAB00001", "laboratory_reports", "rapport_primo")
    assert "Céfotaxime" in laboratory and "50,0" in laboratory, "3 of its 6 urinary E. coli resist cefotaxime"
    assert "aucune (moins de laboratoires" in laboratory, "one laboratory: no area figure can be shown"


def _regional_output(marts, region: str, edition: str) -> str:
    folder = marts.data_dir / "outputs" / "regional" / region / "2024"
    return html.unescape((folder / f"resultats_region_{region}_2024_{edition}.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regional_outputs(marts):
    from orchestration.partitions import year_region_key

    job = marts.defs.resolve_job_def("produce_regional_outputs")
    for region in ("11", "76", "06"):
        result = job.execute_in_process(instance=marts.instance, resources=marts.resources,
                                        partition_key=year_region_key(2024, region))
        assert result.success
    return marts


def test_the_regional_output_names_establishments_to_its_cpias_and_ars_only(regional_outputs):
    marts = regional_outputs
    folder = marts.data_dir / "outputs" / "regional" / "11" / "2024"
    assert sorted(p.name for p in folder.iterdir()) == [
        f"resultats_region_11_2024_{edition}.{ext}" for edition in ("cpias_ars", "diffusion")
        for ext in ("html", "pdf", "xlsx")]
    own = _regional_output(marts, "11", "cpias_ars")
    assert "ES-2" in own and "296" in own and "ES-1" not in own, "the CPias of Île-de-France sees ES-2 open"
    public = _regional_output(marts, "11", "diffusion")
    assert "ES-2" not in public and "CH B" not in public, "no establishment named beyond the region"
    occitanie = _regional_output(marts, "76", "cpias_ars")
    assert "Indicateurs de la stratégie nationale" in occitanie and "Prescriptions d'antibiotiques en ville" in occitanie
    assert "graphiques en entonnoir" in occitanie and "<svg" in occitanie, "A on the funnel plots of its region"
    assert "graphiques en entonnoir" not in _regional_output(marts, "76", "diffusion")
    assert not (marts.data_dir / "outputs" / "regional" / "06").exists(), "Mayotte has no data: no output"


def test_the_public_edition_masks_small_counts(regional_outputs):
    marts = regional_outputs
    # Occitanie 2024, SSI of A: 4 hip prostheses, 2 SSI (S3, S4): 50 %. Shown whole to its CPias; in the public
    # edition 4 procedures, 2 SSI and the one establishment are under 5, and the 50,00 % that derives from them too.
    own, public = _regional_output(marts, "76", "cpias_ars"), _regional_output(marts, "76", "diffusion")
    ssi_row = "<td class=\"text\">Prothèse de hanche</td>"
    assert "50,00" in own.split("Infections du site opératoire (SPICMI")[1].split("</table>")[0]
    public_ssi = public.split("Infections du site opératoire (SPICMI")[1].split("</table>")[0]
    assert ssi_row in public_ssi and "50,00" not in public_ssi and "&lt; 5" not in public_ssi
    assert public_ssi.count("< 5") >= 4 and "Édition publique" in public


def test_mission_coverage_against_the_registry(marts):
    rows = {(r[0], r[1]): r[2:] for r in marts("""SELECT mission, geo_code, participants, registered_establishments,
        pct_establishments, pct_beds, participant_patient_days, pct_patient_days FROM marts.mission_coverage
        WHERE year = 2024""")}
    # Registry: A (Occitanie, 1000 beds), B (Île-de-France, 300), C (Corse, 100), D (Guadeloupe, 150): 4 and 1550.
    # SPIADI: A alone, with the year's only declared patient-days (10 000).
    assert rows[("SPIADI", "FR")] == (1, 4, 25.0, pytest.approx(100 * 1000 / 1550), 10000, 100.0)
    # SPICMI: A, B and C; B and C declared no patient-days.
    assert rows[("SPICMI", "FR")] == (3, 4, 75.0, pytest.approx(100 * 1400 / 1550), 10000, 100.0)
    assert rows[("SPIADI", "11")] == (0, 1, 0.0, 0.0, None, None), "Île-de-France is there, with no participant"
    assert rows[("MATIS", "FR")][:3] == (4, 4, 100.0)
    assert rows[("PRIMO", "76")] == (1, None, None, None, None, None), "laboratories have no registry"
    assert len({code for _, code in rows}) == 19, "the nation and its 18 regions"


def _feedback():
    import datetime as dt

    import polars as pl

    day = dt.datetime
    rows = [("establishment", A, 2024, day(2025, 1, 1), day(2025, 1, 3, 12)),  # 2.5 days
            ("establishment", A, 2024, day(2025, 1, 1), day(2025, 2, 1)),  # the same data again: not counted
            ("establishment", B, 2024, day(2025, 1, 1), day(2025, 1, 2)),  # 1 day
            ("establishment", C, 2024, day(2025, 1, 10), day(2025, 3, 1)),  # 50 days
            ("laboratory", "LAB00001", 2024, day(2025, 1, 1), day(2025, 1, 11)),  # 10 days
            ("establishment", A, 2023, day(2024, 1, 1), day(2024, 6, 1))]  # another year
    return pl.DataFrame(rows, schema=["participant_kind", "participant_id", "year", "data_received_until",
                                      "published_at"], orient="row")


def test_activity_report_timeliness_and_regional_deadlines(marts):
    import datetime as dt

    from vigie import calendar
    from vigie.reports import activity
    from vigie.reports.render import render_markdown

    deadline = calendar.milestone("regional_restitution").deadline(2024)  # 1 October 2025, 00:00 in Paris
    deliveries = {"76": dt.datetime(2025, 9, 1, tzinfo=dt.UTC), "11": dt.datetime(2025, 10, 2, tzinfo=dt.UTC)}
    con = duckdb.connect(str(marts.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        data = activity.load(con, 2024, _feedback(), deliveries, deadline)
    finally:
        con.close()
    data.as_of = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    text = render_markdown(activity.build(data))
    # Establishments: 1, 2.5 and 50 days: median 2.5; 90th percentile 2.5 + 0.8 × 47.5 = 40.5; 2 of 3 within 30 days.
    assert "| Établissements | 3 | 2,5 | 40,5 | 50,0 | 67 |" in text
    assert "| Laboratoires de ville | 1 | 10,0 | 10,0 | 10,0 | 100 |" in text
    assert "| Occitanie | 01/09/2025 à 02:00 | Dans les délais |" in text
    assert "| Île-de-France | 02/10/2025 à 02:00 | En retard |" in text
    assert "| Corse | – | Absente à l'échéance |" in text
    spicmi = [line for line in text.splitlines() if line.startswith("| SPICMI")]
    assert spicmi == ["| SPICMI : infections du site opératoire | 0 | 3 | 75,0 | 90,3 | 100,0 |"], "none in 2023"
    data.as_of = dt.datetime(2025, 9, 15, tzinfo=dt.UTC)
    assert "| Corse | – | À venir |" in render_markdown(activity.build(data))


def test_the_activity_report_is_published_in_every_format(regional_outputs):
    marts = regional_outputs
    result = marts.defs.resolve_job_def("produce_activity_report").execute_in_process(
        instance=marts.instance, resources=marts.resources, partition_key="2024")
    assert result.success
    folder = marts.data_dir / "outputs" / "activity" / "2024"
    assert sorted(p.suffix for p in folder.iterdir()) == [".html", ".md", ".pdf", ".xlsx"]
    text = (folder / "rapport_activite_2024.md").read_text(encoding="utf-8")
    assert "# Rapport d'activité 2024" in text
    occitanie = next(line for line in text.splitlines() if line.startswith("| Occitanie | ") and "à" in line)
    assert occitanie.endswith("| En retard |"), "produced now, long after 30 September 2025"
    assert "| Mayotte | – | Absente à l'échéance |" in text, "Mayotte's partition ran, with no data: no output"


def test_sensor_maps_ias_reports_to_their_region(marts):
    from orchestration.sensors import accepted_since

    con = duckdb.connect(str(marts.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        accepted = accepted_since(con, 0)
    finally:
        con.close()
    assert {A, B, C, D, "LAB00001"} <= set(accepted.participants[2024])
    # IAS reports of A (Occitanie) and B (Île-de-France); the establishments of Corsica (C) and Guadeloupe (D).
    assert set(accepted.regions[2024]) == {"76", "11", "94", "01"}

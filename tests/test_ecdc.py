"""ECDC exports (EARS-Net AMRTEST, ESAC-Net AMCLIGHT) on a small fixture: EARS-Net deduplication and codes, ESAC-Net
DDD and DID, the published files, and a failing expectation suite that leaves them as they were. Every expected
value is worked out by hand in the comments."""

import csv
import os

import dagster as dg
import duckdb
import pytest

from vigie.pseudonym import pseudonym

TEST_KEY = "test-key-ecdc-0123456789abcdef"
A, B = "310781406", "750100232"
LAB = "LAB00001"
STAMP_2024_12_31 = 1_735_646_400

ESTABLISHMENTS = f"""finess;name;department;category;beds
{A};CHU A;31;CHU;1000
{B};CH B;75;CH;300
"""
# Line 1 is the header; each isolate's lines are given in the comments (the report names the first one).
# H1 (lines 2-3): first blood E. coli of PAT-1: CTX is an EARS-Net antibiotic, NIT is not -> one record.
# H2 (line 4): PAT-1's second blood E. coli of 2024 -> not the first isolate, left out.
# H3 (line 5): CSF S. pneumoniae of a child in paediatrics -> PEDS, Gender M.
# H4 (line 6): urine E. coli -> not an EARS-Net specimen, left out silently.
# H5 (line 7): blood S. epidermidis -> not an EARS-Net pathogen, left out silently.
# H6 (line 8): blood K. pneumoniae, long-term care, sex unknown, KPC -> OTH, UNK, ResultCarbapenemases POS.
# L1 (line 9): EHPAD resident's blood E. coli -> PatientType has no correspondence: reported, not exported.
# L2 (line 10): community blood S. aureus -> OUTPAT, no HospitalId, no HospitalUnitType.
ISOLATES = f"""source_id;setting;isolate_id;patient_id;sex;age;sample_date;specimen;sector;department;organism;antibiotic;sir;esbl;carbapenemase
{A};HOSP;H1;PAT-CLAIR-1;F;70;2024-02-01;BLOOD;MED;;ESCCOL;CTX;R;POS;NEG
{A};HOSP;H1;PAT-CLAIR-1;F;70;2024-02-01;BLOOD;MED;;ESCCOL;NIT;S;POS;NEG
{A};HOSP;H2;PAT-CLAIR-1;F;70;2024-03-01;BLOOD;MED;;ESCCOL;CTX;S;NEG;NEG
{A};HOSP;H3;PAT-CLAIR-2;M;5;2024-04-01;CSF;PED;;STRPNE;PEN;S;;
{A};HOSP;H4;PAT-CLAIR-3;F;50;2024-05-01;URINE;CHI;;ESCCOL;CTX;R;;
{A};HOSP;H5;PAT-CLAIR-4;M;60;2024-06-01;BLOOD;REA;;STAEPI;VAN;S;;
{A};HOSP;H6;PAT-CLAIR-5;U;80;2024-07-01;BLOOD;SLD;;KLEPNE;MEM;R;;KPC
{LAB};EHPAD;L1;PAT-CLAIR-6;F;90;2024-08-01;BLOOD;;31;ESCCOL;CIP;R;;
{LAB};COMM;L2;PAT-CLAIR-7;M;40;2024-09-01;BLOOD;;31;STAAUR;FOX;S;;
"""
# Hospital DDD (amoxicillin O 1.5 g, ceftriaxone P 2 g): J01CA04 O = 3000/1.5 + 1500/1.5 (A) + 750/1.5 (B)
# = 2000 + 1000 + 500 = 3500 DDD in 2 establishments; J01DD04 P = 2000 mg = 2 g / 2 g = 1 DDD in 1.
SPARES_CONSUMPTION = f"""finess;year;sector;atc_code;route;quantity;unit
{A};2024;MED;J01CA04;O;3000;g
{A};2024;REA;J01CA04;O;1500;g
{A};2024;MED;J01DD04;P;2000;mg
{B};2024;MED;J01CA04;O;750;g
"""
# Community: amoxicillin 1500 g (31) + 3000 g (75) = 1000 + 2000 = 3000 DDD; ciprofloxacin O (DDD 1 g) 500 g
# (31) = 500 DDD. Départements that sent data: 31 and 75, 1000 + 3000 = 4000 inhabitants (13 sent none: not
# counted). 2024 has 366 days: DID = 3000 × 1000 / (4000 × 366) = 2.049180 and 500 × 1000 / (4000 × 366) = 0.341530.
POPULATION = "department;year;population\n31;2024;1000\n75;2024;3000\n13;2024;5000\n"
COMMUNITY = ("department;year;atc_code;route;quantity;unit;prescriptions\n"
             "31;2024;J01CA04;O;1500;g;40\n75;2024;J01CA04;O;3000;g;60\n31;2024;J01MA02;O;500;g;10\n")
FILES = [("establishments", ESTABLISHMENTS), ("isolates", ISOLATES), ("spares_consumption", SPARES_CONSUMPTION),
         ("population", POPULATION), ("community_consumption", COMMUNITY)]
AMRTEST_HEADER = ["RecordId", "RecordType", "RecordTypeVersion", "Subject", "Status", "DataSource",
                  "ReportingCountry", "DateUsedForStatistics", "LaboratoryCode", "HospitalId", "PatientCounter",
                  "Gender", "Age", "PatientType", "HospitalUnitType", "IsolateId", "Specimen", "Pathogen",
                  "Antibiotic", "SIR", "ESBL", "ResultCarbapenemases", "ResultPCRmec"]


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    from orchestration.definitions import defs
    from orchestration.resources import build_resources

    data_dir = tmp_path_factory.mktemp("ecdc") / "data"
    for n, (dataset, text) in enumerate(FILES):
        path = data_dir / "landing" / dataset / f"f{n}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, (STAMP_2024_12_31 + n, STAMP_2024_12_31 + n))
    with pytest.MonkeyPatch.context() as mp, dg.instance_for_test() as instance:
        mp.setenv("VIGIE_PSEUDONYM_KEY", TEST_KEY)
        resources = build_resources(data_dir=str(data_dir))
        result = defs.resolve_job_def("ingest_and_consolidate").execute_in_process(instance=instance, resources=resources)
        assert result.success

        def query(sql):
            with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as con:
                return con.sql(sql).fetchall()

        assert query("SELECT count(*) FROM raw.submissions WHERE status = 'rejected'") == [(0,)]
        query.data_dir, query.instance, query.resources, query.defs = data_dir, instance, resources, defs
        yield query


def _records(pipeline):
    rows = pipeline("SELECT * EXCLUDE (year) FROM ecdc.ears_net_amrtest WHERE year = 2024 ORDER BY RecordId")
    return {row[0]: dict(zip(AMRTEST_HEADER, row)) for row in rows}


def test_ears_net_keeps_the_first_blood_or_csf_isolate_of_the_eight_pathogens(pipeline):
    # H1 (CTX only), H3, H6, L2: H2 is a second isolate, H4 urine, H5 not EARS-Net, L1 uncodable, NIT not EARS-Net.
    assert sorted(_records(pipeline)) == [f"{A}-2024-H1-CTX", f"{A}-2024-H3-PEN", f"{A}-2024-H6-MEM",
                                          f"{LAB}-2024-L2-FOX"]


def test_ears_net_codes_field_by_field(pipeline):
    records = _records(pipeline)
    h1 = records[f"{A}-2024-H1-CTX"]
    assert h1 == {
        "RecordId": f"{A}-2024-H1-CTX", "RecordType": "AMRTEST", "RecordTypeVersion": 1, "Subject": "AMRTEST",
        "Status": "NEW/UPDATE", "DataSource": "FR-AMR", "ReportingCountry": "FR",
        "DateUsedForStatistics": h1["DateUsedForStatistics"], "LaboratoryCode": A, "HospitalId": A,
        "PatientCounter": pseudonym(TEST_KEY.encode(), A, "PAT-CLAIR-1"), "Gender": "F", "Age": 70,
        "PatientType": "INPAT", "HospitalUnitType": "INTMED", "IsolateId": "H1", "Specimen": "BLOOD",
        "Pathogen": "ESCCOL", "Antibiotic": "CTX", "SIR": "R", "ESBL": "POS", "ResultCarbapenemases": "NEG",
        "ResultPCRmec": None}
    assert str(h1["DateUsedForStatistics"]) == "2024-02-01", "the first of PAT-1's two isolates"
    h3, h6, l2 = records[f"{A}-2024-H3-PEN"], records[f"{A}-2024-H6-MEM"], records[f"{LAB}-2024-L2-FOX"]
    assert (h3["Specimen"], h3["Pathogen"], h3["Gender"], h3["Age"], h3["HospitalUnitType"]) == (
        "CSF", "STRPNE", "M", 5, "PEDS")
    assert (h6["Gender"], h6["HospitalUnitType"], h6["ResultCarbapenemases"], h6["ESBL"], h6["SIR"]) == (
        "UNK", "OTH", "POS", None, "R"), "sex U is UNK; SLD is OTH; KPC is a carbapenemase; no ESBL result sent"
    assert (l2["PatientType"], l2["HospitalId"], l2["HospitalUnitType"], l2["LaboratoryCode"], l2["Pathogen"]) == (
        "OUTPAT", None, None, LAB, "STAAUR")
    assert not any("PAT-CLAIR" in str(value) for record in records.values() for value in record.values())


def test_uncodable_isolates_are_reported_with_their_file_and_line(pipeline):
    [row] = pipeline("""SELECT source_id, isolate_id, pathogen, field, value_as_sent, reason_fr, file_name,
        first_line FROM ecdc.ears_net_uncodable WHERE year = 2024""")
    assert row[:5] == (LAB, "L1", "ESCCOL", "PatientType", "EHPAD")
    assert "EHPAD" in row[5] and row[6:] == ("f1.csv", 9)


def test_esac_net_ddd_and_did(pipeline):
    hospital = {r[0]: r[1:] for r in pipeline("""SELECT RecordId, Sector, ATCCode, Route, NumberOfDDD,
        NumberOfHospitals, DateUsedForStatistics FROM marts.esac_net_hospital_consumption WHERE year = 2024""")}
    assert hospital == {"HC-2024-J01CA04-O": ("HC", "J01CA04", "O", pytest.approx(3500), 2, "2024"),
                        "HC-2024-J01DD04-P": ("HC", "J01DD04", "P", pytest.approx(1), 1, "2024")}
    community = {r[0]: r[1:] for r in pipeline("""SELECT ATCCode, Route, NumberOfDDD, Population, DID,
        NumberOfDepartments, Sector FROM marts.esac_net_community_consumption WHERE year = 2024""")}
    assert community == {"J01CA04": ("O", pytest.approx(3000), 4000, pytest.approx(2.049180, abs=1e-6), 2, "AC"),
                         "J01MA02": ("O", pytest.approx(500), 4000, pytest.approx(0.341530, abs=1e-6), 2, "AC")}


def _csv(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_the_asset_publishes_the_files_of_one_year(pipeline):
    result = pipeline.defs.resolve_job_def("export_to_ecdc").execute_in_process(
        instance=pipeline.instance, resources=pipeline.resources, partition_key="2024")
    assert result.success
    folder = pipeline.data_dir / "outputs" / "transmissions" / "ecdc" / "2024"
    assert sorted(p.name for p in folder.iterdir()) == [
        "ears_net_amrtest.csv", "ears_net_non_codables.csv", "esac_net_community_consumption.csv",
        "esac_net_hospital_consumption.csv"]
    amrtest = _csv(folder / "ears_net_amrtest.csv")
    assert amrtest[0] == AMRTEST_HEADER and len(amrtest) == 1 + 4
    h1 = dict(zip(AMRTEST_HEADER, amrtest[1]))
    assert (h1["RecordId"], h1["DateUsedForStatistics"], h1["Age"], h1["ResultPCRmec"]) == (
        f"{A}-2024-H1-CTX", "2024-02-01", "70", "")
    report = _csv(folder / "ears_net_non_codables.csv")
    assert report[0][:6] == ["annee", "source", "isolat", "date_prelevement", "pathogene", "variable_ears_net"]
    assert report[1][:3] == ["2024", LAB, "L1"] and report[1][-2:] == ["f1.csv", "9"]
    community = _csv(folder / "esac_net_community_consumption.csv")
    assert community[0][:12] == ["RecordId", "RecordType", "RecordTypeVersion", "Subject", "Status", "DataSource",
                                 "ReportingCountry", "DateUsedForStatistics", "Sector", "ATCCode", "Route",
                                 "NumberOfDDD"]
    assert [row[0] for row in community[1:]] == ["AC-2024-J01CA04-O", "AC-2024-J01MA02-O"]
    assert len(_csv(folder / "esac_net_hospital_consumption.csv")) == 1 + 2
    materialization = result.asset_materializations_for_node("ecdc_exports")[0]
    assert materialization.metadata["dagster/row_count"].value == 4 + 2 + 2


def test_a_failing_suite_writes_nothing(pipeline, monkeypatch):
    from vigie import ecdc

    folder = pipeline.data_dir / "outputs" / "transmissions" / "ecdc" / "2024"
    before = (os.readlink(folder), sorted(p.name for p in folder.parent.iterdir()),
              (folder / "ears_net_amrtest.csv").read_bytes())
    chunks = ecdc._chunks

    def corrupted(con, export, year):
        for frame in chunks(con, export, year):
            if export == ecdc.EARS_NET:
                frame.loc[0, "Gender"] = "X"  # not a code of the protocol
            yield frame

    monkeypatch.setattr(ecdc, "_chunks", corrupted)
    with pytest.raises(ecdc.ExportInvalid, match=r"Gender.in_set: 1 unexpected, e.g. \['X'\]"):
        with duckdb.connect(str(pipeline.data_dir / "warehouse.duckdb"), read_only=True) as con:
            ecdc.write(con, 2024, pipeline.data_dir)
    result = pipeline.defs.resolve_job_def("export_to_ecdc").execute_in_process(
        instance=pipeline.instance, resources=pipeline.resources, partition_key="2024", raise_on_error=False)
    assert not result.success
    after = (os.readlink(folder), sorted(p.name for p in folder.parent.iterdir()),
             (folder / "ears_net_amrtest.csv").read_bytes())
    assert after == before, "the published version and its folder are untouched"


def test_records_are_never_split_between_chunks():
    import pandas as pd

    from vigie.ecdc import whole_records

    frames = [pd.DataFrame({"RecordId": ids, "n": range(len(ids))})
              for ids in (["A", "A", "B"], ["B", "C"], ["C"], ["D", None], [None])]
    assert [list(f["RecordId"].fillna("-")) for f in whole_records(frames)] == [
        ["A", "A"], ["B", "B"], ["C", "C", "D"], ["-", "-"]]
    empty = pd.DataFrame({"RecordId": []})
    assert [len(f) for f in whole_records([empty])] == [0], "an empty export still has its header"


def test_chunks_are_validated_and_written_as_one_file(pipeline, monkeypatch, tmp_path):
    """Row by row, the exports are the same bytes as in one piece; a RecordId repeated across two chunks is found."""
    from vigie import ecdc

    chunks = ecdc._chunks

    def row_by_row(con, export, year):
        for frame in chunks(con, export, year):
            yield from (frame.iloc[[i]] for i in range(len(frame))) if len(frame) else [frame]

    monkeypatch.setattr(ecdc, "_chunks", row_by_row)
    published = pipeline.data_dir / "outputs" / "transmissions" / "ecdc" / "2024"
    with duckdb.connect(str(pipeline.data_dir / "warehouse.duckdb"), read_only=True) as con:
        rows = ecdc.write(con, 2024, tmp_path)
    assert rows["ears_net_amrtest.csv"] == 4
    for export in ecdc.EXPORTS:
        assert (tmp_path / export.file).read_bytes() == (published / export.file).read_bytes(), export.file

    def repeated(con, export, year):
        for number, frame in enumerate(row_by_row(con, export, year)):
            if export == ecdc.EARS_NET and number == 1:
                frame = frame.assign(RecordId=first)
            first = frame["RecordId"].iloc[0] if number == 0 else first
            yield frame

    monkeypatch.setattr(ecdc, "_chunks", repeated)
    (tmp_path / "again").mkdir()
    with pytest.raises(ecdc.ExportInvalid, match=r"RecordId.unique: 2 unexpected"):
        with duckdb.connect(str(pipeline.data_dir / "warehouse.duckdb"), read_only=True) as con:
            ecdc.write(con, 2024, tmp_path / "again")

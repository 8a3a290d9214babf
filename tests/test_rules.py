"""Each rule of PROTOCOL.md broken once: the file is rejected (critical) or accepted with a warning, and
the finding names the rule, the column, the line and the value as written."""

import html

import pytest

from fixtures import VALID, with_cell, without_column

CRITICAL, WARNING = "rejected", "accepted_with_warnings"

# (dataset, data row, column, value, rule, outcome)
CASES = [
    ("establishments", 0, "finess", "310781407", "finess.luhn", CRITICAL),
    ("establishments", 0, "finess", "31078140", "finess.format", CRITICAL),
    ("establishments", 0, "finess", "990000004", "finess.department", CRITICAL),
    ("establishments", 0, "finess_ej", "310781407", "finess_ej.luhn", CRITICAL),
    ("establishments", 0, "department", "75", "department_matches_finess", CRITICAL),
    ("establishments", 0, "department", "99", "department.code", CRITICAL),
    ("establishments", 0, "category", "XYZ", "category.code", CRITICAL),
    ("establishments", 0, "beds", "-3", "beds.range", CRITICAL),
    ("establishments", 0, "beds", "abc", "beds.type", CRITICAL),
    ("establishments", 0, "name", "", "name.required", CRITICAL),
    ("establishments", 1, "finess", "310781406", "unique_rows", CRITICAL),
    ("population", 0, "population", "0", "population.range", CRITICAL),
    ("population", 0, "year", "1999", "year.range", CRITICAL),
    ("population", 0, "year", "2099", "year.range", CRITICAL),
    ("population", 0, "year", "24", "year.range", CRITICAL),
    ("population", 0, "year", "8812345678", "year.range", CRITICAL),  # beyond any integer year: rejected, no crash
    ("spares_activity", 0, "sector", "URG", "sector.code", CRITICAL),
    ("spares_activity", 0, "patient_days", "12,5", "patient_days.type", CRITICAL),
    ("spares_activity", 0, "patient_days", "-1", "patient_days.range", CRITICAL),
    ("spares_activity", 0, "admissions", "x", "admissions.type", CRITICAL),
    ("spares_activity", 1, "sector", "MED", "unique_rows", CRITICAL),
    ("spares_activity", 0, "year", "", "year.required", CRITICAL),
    ("spares_consumption", 0, "atc_code", "J01", "atc_code_format", CRITICAL),
    ("spares_consumption", 0, "route", "X", "route.code", CRITICAL),
    ("spares_consumption", 0, "route", "R", "ddd_exists", CRITICAL),
    ("spares_consumption", 0, "unit", "kg", "unit.code", CRITICAL),
    ("spares_consumption", 0, "quantity", "-5", "quantity.range", CRITICAL),
    ("spares_consumption", 2, "unit", "g", "unit_convertible", CRITICAL),  # colistin: its DDD is in MU
    ("spares_consumption", 0, "unit", "MU", "unit_convertible", CRITICAL),  # amoxicillin: its DDD is in grams
    ("community_consumption", 0, "unit", "MU", "unit_convertible", CRITICAL),
    ("isolates", 0, "setting", "HOME", "setting.code", CRITICAL),
    ("isolates", 0, "sex", "X", "sex.code", CRITICAL),
    ("isolates", 0, "age", "121", "age.range", CRITICAL),
    ("isolates", 0, "sample_date", "2024-13-01", "sample_date.type", CRITICAL),
    ("isolates", 0, "sample_date", "31/02/2024", "sample_date.type", CRITICAL),
    ("isolates", 5, "sample_date", "2099-01-01", "sample_date_not_future", CRITICAL),
    ("isolates", 0, "specimen", "BLOOD2", "specimen.code", CRITICAL),
    ("isolates", 0, "antibiotic", "AMOX", "antibiotic_format", CRITICAL),
    ("isolates", 0, "sir", "X", "sir.code", CRITICAL),
    ("isolates", 0, "esbl", "YES", "esbl.code", CRITICAL),
    ("isolates", 0, "carbapenemase", "OXA", "carbapenemase.code", CRITICAL),
    ("isolates", 1, "organism", "KLEPNE", "isolate_consistent.organism", CRITICAL),
    ("isolates", 1, "patient_id", "PAT-CLAIR-999", "isolate_consistent.patient_id", CRITICAL),
    ("isolates", 1, "specimen", "URINE", "isolate_consistent.specimen", CRITICAL),
    ("isolates", 1, "setting", "EHPAD", "isolate_consistent.setting", CRITICAL),
    ("isolates", 1, "sector", "REA", "isolate_consistent.sector", CRITICAL),
    ("isolates", 1, "department", "31", "isolate_consistent.department", CRITICAL),
    ("isolates", 1, "esbl", "POS", "isolate_consistent.esbl", WARNING),
    ("isolates", 1, "carbapenemase", "KPC", "isolate_consistent.carbapenemase", WARNING),
    ("isolates", 1, "antibiotic", "AMX", "unique_rows", CRITICAL),
    ("isolates", 5, "organism", "Bacterium imaginarius", "organism_known", WARNING),
    ("isolates", 5, "antibiotic", "ZZZ", "antibiotic_known", WARNING),
    ("isolates", (3, 4), "sector", "", "sector_when_hospital", WARNING),
    ("isolates", 5, "department", "", "department_when_community", WARNING),
    ("spiadi_bacteremia", 0, "portal", "IV", "portal.code", CRITICAL),
    ("spiadi_bacteremia", 0, "device_associated", "O", "device_associated.code", CRITICAL),
    ("spiadi_bacteremia", 0, "acquisition", "HOME", "acquisition.code", CRITICAL),
    ("spiadi_bacteremia", 1, "episode_id", "B1", "unique_rows", CRITICAL),
    ("spiadi_bacteremia", 0, "sample_date", "2023-12-31", "sample_date_in_year", WARNING),
    ("spiadi_bacteremia", 0, "organism", "Germe X", "organism_known", WARNING),
    ("spiadi_exposure", 0, "cvc_days", "-1", "cvc_days.range", CRITICAL),
    ("spicmi_procedures", 0, "procedure_code", "XXX", "procedure_code.code", CRITICAL),
    ("spicmi_procedures", 0, "asa", "6", "asa.range", CRITICAL),
    ("spicmi_procedures", 0, "wound_class", "0", "wound_class.range", CRITICAL),
    ("spicmi_procedures", 0, "duration_min", "0", "duration_min.range", CRITICAL),
    ("spicmi_procedures", 0, "implant", "Z", "implant.code", CRITICAL),
    ("spicmi_procedures", 1, "ssi_depth", "", "ssi_depth_when_ssi", CRITICAL),
    ("spicmi_procedures", 0, "ssi_date", "2024-03-05", "ssi_date_when_ssi", CRITICAL),
    ("spicmi_procedures", 1, "ssi_date", "2024-06-01", "ssi_date_within_followup", CRITICAL),
    ("spicmi_procedures", 1, "ssi_date", "2024-03-01", "ssi_date_within_followup", CRITICAL),
    ("spicmi_procedures", 2, "followup_days", "10", "followup_complete", WARNING),
    ("spicmi_procedures", 2, "procedure_date", "2023-12-01", "procedure_date_in_year", WARNING),
    ("icsha", 0, "activity", "XX", "activity.code", CRITICAL),
    ("icsha", 1, "hand_rub_liters", "1400", "hand_rub_total_consistent", CRITICAL),
    ("icsha", 1, "activity_volume", "", "activity_volume_given", CRITICAL),
    ("signalements", 0, "first_case_on", "2024-03-11", "first_case_before_declared", CRITICAL),
    ("signalements", 0, "deaths", "4", "deaths_within_cases", CRITICAL),
    ("signalements", 0, "cases", "0", "cases.range", CRITICAL),
    ("signalements", 0, "closed_on", "", "closed_on_when_closed", CRITICAL),
    ("signalements", 1, "closed_on", "2024-07-01", "closed_on_when_closed", CRITICAL),
    ("signalements", 0, "closed_on", "2024-03-09", "closed_after_declared", CRITICAL),
    ("signalements", 0, "criteria", "1A|5", "criteria.code", CRITICAL),
    ("signalements", 0, "resistance", "KPC", "resistance.code", CRITICAL),
    ("signalements", 0, "cpias_support", "maybe", "cpias_support.code", CRITICAL),
    ("signalements", 0, "status", "DONE", "status.code", CRITICAL),
    ("signalements", 1, "declared_on", "2099-06-10", "declared_not_future", CRITICAL),
    ("community_consumption", 0, "department", "99", "department.code", CRITICAL),
    ("community_consumption", 0, "prescriptions", "-1", "prescriptions.range", CRITICAL),
]

# Values of CASES that the receipt masks (quality/quoting.py): an invalid FINESS or a long number could be a shifted
# patient identifier, a word of five letters or more a name.
MASKED = {"310781407", "31078140", "990000004", "8812345678", "BLOOD2", "Bacterium imaginarius", "Germe X", "maybe"}


@pytest.mark.parametrize("dataset,row,column,value,rule,outcome", CASES,
                         ids=[f"{c[0]}-{c[4]}-{c[3] or 'empty'}" for c in CASES])
def test_rule(dataset, row, column, value, rule, outcome, land, ingest, query, settings):
    land(dataset, with_cell(dataset, row, column, value))
    [sub] = ingest(dataset).submissions
    assert sub.status == outcome, [(f.rule_id, f.lines, f.values) for f in sub.findings]
    finding = next((f for f in sub.findings if f.rule_id == rule), None)
    assert finding is not None, [f.rule_id for f in sub.findings]
    row = row if isinstance(row, int) else row[0]
    assert row + 2 in finding.lines  # line 1 is the header
    assert column in finding.columns, "the finding names the column that was broken"
    shown = "(masqué)" if column == "patient_id" or value in MASKED else value or "(vide)"
    assert any(v.split(" / ")[finding.columns.index(column)] == shown for v in finding.values)
    assert finding.message  # in French, for the sender
    stored = query("SELECT rule_id, severity, lines FROM quality.validation_results WHERE rule_id = ?", [rule])
    assert stored and row + 2 in stored[0][2]
    loaded = query(f"SELECT count(*) FROM raw.{dataset}")[0][0]
    if outcome == CRITICAL:
        assert loaded == 0, "nothing of a rejected file reaches the warehouse"
        assert len(list((settings.quarantine_dir / dataset).glob("*.csv"))) == 1
    else:
        assert loaded > 0
    receipt = html.unescape(next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8"))
    assert finding.message in receipt and finding.column in receipt
    assert f"« {finding.values[0]} »" in receipt, "the receipt shows the cells as written"
    assert f"{row + 2}" in receipt and "PAT-CLAIR" not in receipt


def test_missing_required_column_rejects_the_file(land, ingest, settings):
    land("spiadi_exposure", without_column("spiadi_exposure", "patient_days"))
    [sub] = ingest("spiadi_exposure").submissions
    assert sub.status == "rejected"
    assert sub.findings[0].rule_id == "file.required_columns" and sub.findings[0].column == "patient_days"
    assert "patient_days" in next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8")


def test_optional_column_may_be_left_out(land, ingest):
    land("spares_activity", without_column("spares_activity", "admissions"))
    [sub] = ingest("spares_activity").submissions
    assert sub.status == "accepted"


@pytest.mark.parametrize("name,content,rule", [
    ("classeur.xlsx", b"PK\x03\x04 broken", "file.readable"),
    ("notes.txt", b"finess;year\n", "file.format"),
    ("vide.csv", VALID["spares_activity"].split("\n")[0].encode() + b"\n", "file.empty"),
    ("doublon.csv", b"finess;finess;year\n1;2;3\n", "file.readable"),
    ("rien.csv", b"", "file.readable"),
])
def test_unreadable_files_are_quarantined(name, content, rule, land, ingest, settings):
    land("spares_activity", content, name=name)
    [sub] = ingest("spares_activity").submissions
    assert sub.status == "rejected" and sub.findings[0].rule_id == rule
    assert any((settings.quarantine_dir / "spares_activity").glob(f"*{name}"))
    assert any((settings.quarantine_dir / "spares_activity").glob("*_accuse_de_reception.html"))


def test_patient_identifier_is_masked_in_findings(land, ingest, settings, query):
    land("isolates", with_cell("isolates", 0, "patient_id", ""))
    land("isolates", with_cell("isolates", 5, "sample_date", "bad-date").replace("PAT-CLAIR-003", "PAT-CLAIR-777"))
    subs = ingest("isolates").submissions
    assert all(s.status == "rejected" for s in subs)
    stored = query("SELECT list(sample_values) FROM quality.validation_results")[0][0]
    assert "PAT-CLAIR" not in str(stored)


def test_bad_file_does_not_stop_the_others(land, ingest, query):
    land("spares_activity", with_cell("spares_activity", 0, "sector", "URG"))
    land("spares_activity", VALID["spares_activity"])
    subs = ingest("spares_activity").submissions
    assert [s.status for s in subs] == ["rejected", "accepted"]
    assert query("SELECT count(*) FROM raw.spares_activity") == [(3,)]


def test_a_file_that_breaks_the_reader_is_quarantined(land, ingest):
    import io

    import polars as pl

    buffer = io.BytesIO()
    pl.DataFrame({"finess": [["310781406"]], "year": [2024]}).write_parquet(buffer)  # a list, not a value
    land("spares_activity", buffer.getvalue(), name="nested.parquet")
    land("spares_activity", VALID["spares_activity"])
    subs = ingest("spares_activity").submissions
    assert [s.status for s in subs] == ["rejected", "accepted"]
    assert subs[0].findings[0].rule_id == "file.readable"


def test_a_cross_field_rule_names_every_column_and_value(land, ingest, settings):
    land("spares_consumption", with_cell("spares_consumption", 0, "route", "R"))
    [sub] = ingest("spares_consumption").submissions
    [finding] = [f for f in sub.findings if f.rule_id == "ddd_exists"]
    assert finding.columns == ["atc_code", "route"] and finding.values == ["J01CA04 / R"]
    receipt = html.unescape(next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8"))
    assert "atc_code, route" in receipt and "« J01CA04 / R »" in receipt


def test_a_unit_the_ddd_cannot_take_is_rejected_in_french(land, ingest):
    land("spares_consumption", with_cell("spares_consumption", 2, "unit", "g"))
    [sub] = ingest("spares_consumption").submissions
    [finding] = [f for f in sub.findings if f.rule_id == "unit_convertible"]
    assert sub.status == "rejected" and finding.lines == [4] and finding.values == ["g / J01XB01 / P"]
    assert "unité incompatible avec celle de la DDJ" in finding.message and "MU (millions d'unités)" in finding.message


def test_a_rejected_file_is_answered_to_the_establishment_it_names(land, ingest, settings):
    land("spares_activity", without_column("spares_activity", "patient_days"))
    [sub] = ingest("spares_activity").submissions
    assert sub.status == "rejected" and sub.sender == "310781406"
    assert list((settings.receipts_dir / "310781406").glob("*.html")), "not to « inconnu »"
    assert not (settings.receipts_dir / "inconnu").exists()


def test_the_receipt_recalls_the_conventions_of_the_products_sent(land, ingest, settings):
    land("spares_consumption", VALID["spares_consumption"] + "310781406;2024;MED;J01CR02;O;300;g\n")
    [sub] = ingest("spares_consumption").submissions
    assert sub.status == "accepted"
    receipt = html.unescape(next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8"))
    assert "quantité en grammes d'amoxicilline" in receipt and "grammes de sulfaméthoxazole" in receipt
    assert "pipéracilline" not in receipt, "only the conventions of the products in the file"


def test_a_broken_csv_is_answered_with_its_line_in_french(land, ingest):
    land("spares_activity", "finess;year;sector;patient_days\n310781406;2024;MED;100\n310781406;2024;REA;20;x;y\n")
    [sub] = ingest("spares_activity").submissions
    [finding] = sub.findings
    assert finding.rule_id == "file.readable"
    assert "la ligne 3 a 6 champs alors que l'en-tête en a 4" in finding.message
    assert "polars" not in finding.message.lower() and "schema" not in finding.message.lower()


def test_the_antibiotic_list_covers_laboratory_panels():
    from vigie.reference import _rows

    rows = {r["antibiotic_code"]: r for r in _rows("antibiotics")}
    assert {"AZM", "CHL", "CZO", "DOX", "FLC", "KAN", "MTR", "MUP", "TMP"} <= set(rows) and len(rows) >= 80
    assert all(len(r["atc_code"]) == 7 and r["antibiotic_class"] and r["label_fr"] for r in rows.values())

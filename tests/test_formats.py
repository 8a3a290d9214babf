"""Files as real extractions come: encodings, separators, decimal comma, French dates, XLSX, Parquet."""

import io

import polars as pl

from fixtures import VALID


def _frame(dataset: str) -> pl.DataFrame:
    return pl.read_csv(VALID[dataset].encode(), separator=";", infer_schema=False)


def test_windows_1252_with_accents_and_commas(land, ingest, query):
    text = VALID["establishments"].replace(";", ",").replace("CH Ajaccio test", "Hôpital Saint-Étienne œuvre")
    land("establishments", text, encoding="cp1252")
    [sub] = ingest("establishments").submissions
    assert sub.status == "accepted"
    assert query("SELECT name FROM raw.establishments WHERE finess = '2A0000123'") == [("Hôpital Saint-Étienne œuvre",)]


def test_utf8_with_bom(land, ingest, query):
    land("population", "\ufeff" + VALID["population"])
    assert ingest("population").submissions[0].status == "accepted"
    assert query("SELECT sum(population) FROM raw.population") == [(3_660_000,)]


def test_decimal_comma_french_dates_codes_case_and_spaces(land, ingest, query):
    text = """FINESS ; Year;Procedure_ID;patient_id;procedure_code;procedure_date;asa;wound_class;duration_min;implant;ssi;ssi_depth;ssi_date;followup_days
310781406;2024;S1;PAT-CLAIR-020; hpro ;01/03/2024;2;1;95;y;n;;;90
"""
    land("spicmi_procedures", text)
    [sub] = ingest("spicmi_procedures").submissions
    assert sub.status == "accepted", [(f.rule_id, f.values) for f in sub.findings]
    assert query("SELECT procedure_code, procedure_date::VARCHAR, implant FROM raw.spicmi_procedures") == [
        ("HPRO", "2024-03-01", "Y")]
    land("icsha", "finess;year;activity;activity_volume;hand_rub_liters\n310781406;2024;MED;10 000;1 234,5\n")
    assert ingest("icsha").submissions[0].status == "accepted"
    assert query("SELECT activity_volume, hand_rub_liters FROM raw.icsha") == [(10000.0, 1234.5)]


def test_sfp_is_read_as_intermediate(land, ingest, query):
    land("isolates", VALID["isolates"].replace("CTX;S", "CTX;SFP"))
    assert ingest("isolates").submissions[0].status == "accepted"
    assert query("SELECT sir FROM raw.isolates WHERE antibiotic = 'CTX'") == [("I",)]


def test_columns_in_any_order_and_extra_columns_named_never_stored(land, ingest, query, settings):
    frame = _frame("spares_activity").with_columns(pl.lit("Mme Dupont à rappeler").alias("Commentaire"))
    frame = frame.select(list(reversed(frame.columns)))
    land("spares_activity", frame.write_csv(separator=";"))
    [sub] = ingest("spares_activity").submissions
    assert sub.status == "accepted" and sub.extra_columns == ["commentaire"]
    assert query("SELECT extra_columns FROM raw.submissions") == [(["commentaire"],)]
    stored = query("SELECT count(*) FROM raw.spares_activity t WHERE t::VARCHAR LIKE '%Dupont%'")
    assert stored == [(0,)], "an extra column may hold identifiers: it is never stored"
    receipt = next(settings.receipts_dir.rglob("*.html")).read_text(encoding="utf-8")
    assert "commentaire" in receipt and "non conservées" in receipt and "Dupont" not in receipt


def test_xlsx_first_sheet(land, ingest, query):
    buffer = io.BytesIO()
    frame = _frame("spicmi_procedures").with_columns(
        pl.col("procedure_date", "ssi_date").str.to_date(), pl.col("asa", "duration_min").cast(pl.Int64))
    frame.write_excel(buffer)
    land("spicmi_procedures", buffer.getvalue(), name="interventions.xlsx")
    [sub] = ingest("spicmi_procedures").submissions
    assert sub.status == "accepted", [(f.rule_id, f.values) for f in sub.findings]
    assert query("SELECT count(*), sum(duration_min), max(ssi_date)::VARCHAR FROM raw.spicmi_procedures") == [
        (3, 355, "2024-04-12")]


def test_parquet_with_native_types(land, ingest, query):
    buffer = io.BytesIO()
    frame = _frame("spiadi_bacteremia").with_columns(pl.col("year").cast(pl.Int32), pl.col("sample_date").str.to_date())
    frame.write_parquet(buffer)
    land("spiadi_bacteremia", buffer.getvalue(), name="episodes.parquet")
    assert ingest("spiadi_bacteremia").submissions[0].status == "accepted"
    assert query("SELECT min(sample_date)::VARCHAR FROM raw.spiadi_bacteremia") == [("2024-02-01",)]

"""Plausibility of SPARES consumption, with DDD worked out by hand."""

from fixtures import VALID


def _consumption(rows: str) -> str:
    return "finess;year;sector;atc_code;route;quantity;unit\n" + rows


def test_ddd_with_unit_conversion_and_conventions():
    import polars as pl

    from quality.plausibility import ddd_by_establishment

    rows = pl.DataFrame({
        "finess": ["A"] * 6, "year": [2024] * 6,
        "atc_code": ["J01CA04", "J01CA04", "J01XB01", "J01EE01", "J01GB03", "A07AA09"],
        "route": ["O", "P", "P", "O", "P", "O"],
        "quantity": [1500.0, 3.0, 90.0, 16.0, 480.0, 100.0],
        "unit": ["MG", "G", "MU", "G", "MG", "G"],
    })
    # amoxicillin oral 1.5 g / 1.5 = 1; parenteral 3 g / 3 = 1 (route matters); colistin 90 MU / 9 = 10;
    # J01EE01 by convention 16 g / 1.6 = 10; gentamicin 480 mg = 0.48 g / 0.24 = 2; oral vancomycin is out of scope.
    [(ddd,)] = ddd_by_establishment(rows).select("ddd").rows()
    assert abs(ddd - 24.0) < 1e-9


def test_rate_out_of_range_is_a_warning(land, ingest):
    land("spares_activity", VALID["spares_activity"])
    ingest("spares_activity")
    # 4.5 g amoxicillin oral = 3 DDD over 12 000 patient-days = 0.25 DDD/1000: implausible.
    land("spares_consumption", _consumption("310781406;2024;MED;J01CA04;O;4,5;g\n"))
    [sub] = ingest("spares_consumption").submissions
    assert sub.status == "accepted_with_warnings"
    [finding] = sub.findings
    assert finding.rule_id == "plausibility.ddd_rate" and finding.values == ["310781406 2024 : 0.2 DDJ/1000 JH"]


def test_change_of_more_than_half_from_previous_year_is_a_warning(land, ingest):
    activity = "finess;year;sector;patient_days\n310781406;2023;MED;10000\n310781406;2024;MED;10000\n"
    land("spares_activity", activity)
    ingest("spares_activity")
    land("spares_consumption", _consumption("310781406;2023;MED;J01CA04;O;1500;g\n"))  # 1000 DDD: 100 /1000
    assert ingest("spares_consumption").submissions[0].status == "accepted"
    land("spares_consumption", _consumption("310781406;2024;MED;J01CA04;O;3150;g\n"))  # 2100 DDD: 210 /1000
    [sub] = ingest("spares_consumption").submissions
    assert [f.rule_id for f in sub.findings] == ["plausibility.ddd_trend"]
    assert sub.findings[0].values == ["310781406 2024 : 210.0 DDJ/1000 JH (année précédente : 100.0)"]


def test_plausible_consumption_passes(land, ingest):
    land("spares_activity", VALID["spares_activity"])
    ingest("spares_activity")
    land("spares_consumption", VALID["spares_consumption"])
    assert ingest("spares_consumption").submissions[0].status == "accepted"

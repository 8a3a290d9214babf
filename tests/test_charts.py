"""Charts are compiled once per kind and drawn with each report's rows: exactly what drawing each whole specification
gives."""

import vl_convert

from vigie.reports import charts


def _direct(chart) -> str:
    return vl_convert.vegalite_to_svg(chart.spec, format_locale="fr-FR")


def _position(value: float):
    rows = [{"label": "Médecine", "value": value, "p25": 400.5, "p50": 470.0, "p75": 540.25, "national": 480.0},
            {"label": "Réanimation", "value": 1400.0, "p25": 1290.0, "p50": 1440.0, "p75": 1670.0, "national": 1490.0}]
    return charts.position(rows, "Secteur", "DDJ pour 1 000 journées", "Votre taux et ceux de votre groupe.")


def test_each_kind_of_chart_draws_what_its_whole_specification_draws():
    funnel = charts.funnel(
        [{"name": "CH Nord", "exposure": 12000.0, "value": 3.5, "outside_998": True, "named": True},
         {"name": "CH Sud", "exposure": 50000.0, "value": 1.2, "outside_998": False, "named": False}],
        [{"exposure": e, "national_value": 1.5, "lower_95": 1.0, "upper_95": 2.0, "lower_998": 0.8, "upper_998": 2.4}
         for e in (1000.0, 10000.0, 100000.0)],
        "pour 1 000 journées", "Journées d'hospitalisation", "Entonnoir.")
    trend = charts.trend([{"year": 2023, "value": 350.0}, {"year": 2024, "value": 362.4}], "DDJ pour 1 000 journées",
                         "Votre taux au fil des années.")
    for chart in (_position(467.5), _position(300.0), trend, funnel):
        assert charts.to_svg(chart) == _direct(chart)


def test_a_chart_shows_its_own_rows():
    first, second = charts.to_svg(_position(467.5)), charts.to_svg(_position(300.0))
    assert first != second and "Médecine" in first and "Réanimation" in second

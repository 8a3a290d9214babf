"""Charts of the reports, built with Altair (Vega-Lite) and rendered to static SVG by vl-convert: no script, no
network, French number format, every axis titled with its unit."""

import altair as alt
import vl_convert

from vigie.reports.document import Chart

OWN, PEERS, MEDIAN, NATIONAL = "#c0504d", "#cfe0f1", "#1f4e79", "#7f7f7f"
WIDTH = 520


def to_svg(chart: Chart) -> str:
    return vl_convert.vegalite_to_svg(chart.spec, format_locale="fr-FR")


def _shown(rows: list[dict], digits: int) -> list[dict]:
    """Figures rounded as the tables show them: a chart never carries more precision than the page."""
    return [{k: round(v, digits) if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def position(rows: list[dict], category_title: str, unit: str, description: str, digits: int = 1) -> Chart:
    """One line per item: the participant's value (dot) over its peers' interquartile band and median (tick),
    and the national value (cross). `rows`: label, value, p25, p50, p75, national."""
    data = alt.Data(values=_shown(rows, digits))
    order = [r["label"] for r in rows]
    y = alt.Y("label:N", title=category_title, sort=order)
    x_scale = alt.Scale(zero=True)
    band = alt.Chart(data).mark_bar(color=PEERS, height=14).encode(
        y=y, x=alt.X("p25:Q", title=unit, scale=x_scale, axis=alt.Axis(format=",.0f")), x2="p75:Q")
    median = alt.Chart(data).mark_tick(color=MEDIAN, thickness=2, size=18).encode(y=y, x="p50:Q")
    national = alt.Chart(data).mark_point(shape="cross", color=NATIONAL, size=60).encode(y=y, x="national:Q")
    own = alt.Chart(data).mark_circle(color=OWN, size=90, opacity=1).encode(y=y, x="value:Q")
    layered = (band + median + national + own).properties(width=WIDTH, height=max(60, 26 * len(rows)))
    return Chart(layered.to_dict(), description)


def trend(rows: list[dict], unit: str, description: str, digits: int = 1) -> Chart:
    """The participant's value over the years. `rows`: year, value."""
    base = alt.Chart(alt.Data(values=_shown(rows, digits))).encode(
        x=alt.X("year:O", title="Année", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit, axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True)))
    layered = (base.mark_line(color=OWN) + base.mark_point(color=OWN, filled=True)
               + base.mark_text(dy=-10, fontSize=11).encode(text=alt.Text("value:Q", format=",.1f")))
    return Chart(layered.properties(width=WIDTH, height=180).to_dict(), description)

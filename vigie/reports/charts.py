"""Charts of the reports, built with Altair (Vega-Lite) and rendered to static SVG by vl-convert: no script, no
network, French number format, every axis titled with its unit.

Each kind of chart is built and validated by Altair, and compiled to Vega, once per title and unit, with named
datasets; a report's chart is that specification with its own rows (building an Altair chart took longer than drawing
it)."""

import functools
import json

import altair as alt
import vl_convert

from vigie.reports.document import Chart

OWN, PEERS, MEDIAN, NATIONAL = "#c0504d", "#cfe0f1", "#1f4e79", "#7f7f7f"
WIDTH = 520


@functools.lru_cache(maxsize=None)
def _vega(skeleton: str) -> str:
    """The Vega specification of a kind of chart (Vega-Lite without its rows), compiled once: compiling took as long
    as drawing."""
    return json.dumps(vl_convert.vegalite_to_vega(json.loads(skeleton)))


@functools.lru_cache(maxsize=32)
def _svg(spec: str) -> str:
    chart = json.loads(spec)
    rows = chart.pop("datasets", {})
    vega = json.loads(_vega(json.dumps({**chart, "datasets": dict.fromkeys(rows, [])}, sort_keys=True)))
    slots = [data for data in vega["data"] if data.get("name") in rows and "values" in data]
    if {data["name"] for data in slots} != set(rows):  # not compiled as expected: the whole chart, the slow way
        return vl_convert.vegalite_to_svg(json.loads(spec), format_locale="fr-FR")
    for data in slots:
        data["values"] = rows[data["name"]]
    return vl_convert.vega_to_svg(vega, format_locale="fr-FR")


def to_svg(chart: Chart) -> str:
    """The chart as SVG, converted once for the HTML and the PDF of a report."""
    return _svg(json.dumps(chart.spec, sort_keys=True))


def _shown(rows: list[dict], digits: int) -> list[dict]:
    """Figures rounded as the tables show them: a chart never carries more precision than the page."""
    return [{k: round(v, digits) if isinstance(v, float) else v for k, v in row.items()} for row in rows]


def _chart(template: str, description: str, datasets: dict[str, list[dict]], **properties) -> Chart:
    spec = json.loads(template)
    spec["datasets"] = datasets
    spec.update(properties)
    return Chart(spec, description)


@functools.lru_cache(maxsize=None)
def _position_template(category_title: str, unit: str) -> str:
    y = alt.Y("label:N", title=category_title, sort=alt.EncodingSortField("rank", op="min"))
    x_scale = alt.Scale(zero=True)
    band = alt.Chart().mark_bar(color=PEERS, height=14).encode(
        y=y, x=alt.X("p25:Q", title=unit, scale=x_scale, axis=alt.Axis(format=",.0f")), x2="p75:Q")
    median = alt.Chart().mark_tick(color=MEDIAN, thickness=2, size=18).encode(y=y, x="p50:Q")
    national = alt.Chart().mark_point(shape="cross", color=NATIONAL, size=60).encode(y=y, x="national:Q")
    own = alt.Chart().mark_circle(color=OWN, size=90, opacity=1).encode(y=y, x="value:Q")
    layered = alt.layer(band, median, national, own, data=alt.Data(name="rows")).properties(width=WIDTH, height=60)
    return json.dumps(layered.to_dict())


def position(rows: list[dict], category_title: str, unit: str, description: str, digits: int = 1) -> Chart:
    """One line per item, in the order of `rows`: the participant's value (dot) over its peers' interquartile band
    and median (tick), and the national value (cross). `rows`: label, value, p25, p50, p75, national."""
    ranked = [{**row, "rank": rank} for rank, row in enumerate(_shown(rows, digits))]
    return _chart(_position_template(category_title, unit), description, {"rows": ranked},
                  height=max(60, 26 * len(rows)))


@functools.lru_cache(maxsize=None)
def _trend_template(unit: str) -> str:
    base = alt.Chart().encode(
        x=alt.X("year:O", title="Année", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=unit, axis=alt.Axis(format=",.0f"), scale=alt.Scale(zero=True)))
    layered = alt.layer(base.mark_line(color=OWN), base.mark_point(color=OWN, filled=True),
                        base.mark_text(dy=-10, fontSize=11).encode(text=alt.Text("value:Q", format=",.1f")),
                        data=alt.Data(name="rows"))
    return json.dumps(layered.properties(width=WIDTH, height=180).to_dict())


def trend(rows: list[dict], unit: str, description: str, digits: int = 1) -> Chart:
    """The participant's value over the years. `rows`: year, value."""
    return _chart(_trend_template(unit), description, {"rows": _shown(rows, digits)})


@functools.lru_cache(maxsize=None)
def _funnel_template(unit: str, exposure: str) -> str:
    x = alt.X("exposure:Q", title=exposure, scale=alt.Scale(type="log"),
              axis=alt.Axis(format=",.0f", labelOverlap=True, tickCount=5))
    y = alt.Y("value:Q", title=unit, scale=alt.Scale(zero=True))
    limits = alt.Chart(alt.Data(name="curves")).transform_fold(
        ["lower_95", "upper_95", "lower_998", "upper_998"], as_=["limit", "value"])
    dashed = limits.transform_filter("datum.limit == 'lower_95' || datum.limit == 'upper_95'").mark_line(
        color=MEDIAN, strokeDash=[4, 3]).encode(x=x, y=y, detail="limit:N")
    solid = limits.transform_filter("datum.limit == 'lower_998' || datum.limit == 'upper_998'").mark_line(
        color=MEDIAN).encode(x=x, y=y, detail="limit:N")
    centre = alt.Chart(alt.Data(name="curves")).mark_line(color=NATIONAL).encode(
        x=x, y=alt.Y("national_value:Q", title=unit))
    dots = alt.Chart(alt.Data(name="points"))
    own = dots.mark_circle(size=60, opacity=0.9).encode(
        x=x, y=y, color=alt.condition("datum.outside_998", alt.value(OWN), alt.value(MEDIAN)))
    names = dots.transform_filter("datum.named").mark_text(align="left", dx=6, fontSize=10).encode(
        x=x, y=y, text="name:N")
    return json.dumps((dashed + solid + centre + own + names).properties(width=WIDTH, height=260).to_dict())


def funnel(points: list[dict], curves: list[dict], unit: str, exposure: str, description: str) -> Chart:
    """A funnel plot: the 95 % (dashed) and 99.8 % (solid) limits around the national value (grey line) against
    the exposure (log scale), the region's establishments as dots, highlighted beyond the 99.8 % limits and named
    when `named`. `points`: name, exposure, value, outside_998, named; `curves`: exposure, national_value and the
    four limits."""
    return _chart(_funnel_template(unit, exposure), description,
                  {"curves": _shown(curves, 4), "points": _shown(points, 4)})

"""Small inline SVG charts: they open offline, in any browser, with no script."""

import html

WIDTH, ROW, LABEL = 640, 26, 120


def position_bars(rows: list[tuple[str, float | None, float | None, float | None, float | None]], unit: str) -> str:
    """One row per item: the establishment's value (bar) over its peers' P25-P75 band and median (tick)."""
    values = [v for _, value, p25, p50, p75 in rows for v in (value, p75) if v is not None]
    top = max(values, default=1) * 1.1 or 1
    scale = (WIDTH - LABEL - 60) / top
    parts = []
    for i, (label, value, p25, p50, p75) in enumerate(rows):
        y = i * ROW + 4
        parts.append(f'<text x="0" y="{y + 15}" font-size="12">{html.escape(label)}</text>')
        if p25 is not None and p75 is not None:
            parts.append(f'<rect x="{LABEL + p25 * scale:.1f}" y="{y}" width="{max(1, (p75 - p25) * scale):.1f}" '
                         f'height="20" fill="#d9e6f2"><title>P25-P75 : {p25:.1f} - {p75:.1f}</title></rect>')
        if p50 is not None:
            parts.append(f'<line x1="{LABEL + p50 * scale:.1f}" x2="{LABEL + p50 * scale:.1f}" y1="{y - 2}" '
                         f'y2="{y + 22}" stroke="#1f4e79" stroke-width="2"/>')
        if value is not None:
            parts.append(f'<rect x="{LABEL}" y="{y + 6}" width="{value * scale:.1f}" height="8" fill="#c0504d"/>'
                         f'<text x="{LABEL + value * scale + 4:.1f}" y="{y + 15}" font-size="11">{value:.1f}</text>')
    height = len(rows) * ROW + 8
    legend = (f'<p class="legend"><span style="color:#c0504d">■</span> votre établissement ({html.escape(unit)}) '
              '<span style="color:#9fbcd9">■</span> P25-P75 de votre catégorie '
              '<span style="color:#1f4e79">│</span> médiane de votre catégorie</p>')
    return f'<svg width="{WIDTH}" height="{height}" role="img">{"".join(parts)}</svg>{legend}'


def yearly_line(points: list[tuple[int, float]], unit: str) -> str:
    """The establishment's own values over the years."""
    if not points:
        return "<p>Pas d'historique.</p>"
    top = max(v for _, v in points) * 1.15 or 1
    step = (WIDTH - 80) / max(1, len(points) - 1)
    coords = [(40 + i * step, 150 - v / top * 130) for i, (_, v) in enumerate(points)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    marks = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#c0504d"/>'
                    f'<text x="{x - 14:.1f}" y="{y - 8:.1f}" font-size="11">{v:.0f}</text>'
                    f'<text x="{x - 14:.1f}" y="172" font-size="11">{year}</text>'
                    for (x, y), (year, v) in zip(coords, points))
    return (f'<svg width="{WIDTH}" height="180" role="img"><polyline points="{line}" fill="none" '
            f'stroke="#c0504d" stroke-width="2"/>{marks}</svg><p class="legend">{html.escape(unit)}</p>')

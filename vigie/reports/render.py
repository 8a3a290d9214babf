"""A report in each of its formats: HTML from a template (offline, charts inline as SVG), PDF from a Typst template
fed the same document, XLSX from the same tables (xlsxwriter), Markdown to edit. Every format shows the same
figures."""

import datetime as dt
import functools
import io
import json

import jinja2

from vigie import french, inert
from vigie.reports.charts import to_svg
from vigie.reports.document import COUNT, INTERVAL, NUMBER, QUARTILES, TEXT, Chart, Column, Masked, Report, Table
from vigie.settings import TEMPLATES_DIR

_templates = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                                undefined=jinja2.StrictUndefined)
_markdown = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=False,
                               undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def cell_text(value, column: Column) -> str:
    """A cell as the reader sees it, numbers in French."""
    if value is None:
        return "–"
    if isinstance(value, Masked):
        return str(value)
    if column.kind in (INTERVAL, QUARTILES):
        return " – ".join(french.number(v, column.digits) for v in value)
    if column.kind == COUNT:
        return french.number(value, 0)
    if column.kind == NUMBER:
        return french.number(value, column.digits)
    return str(value)


def cell_texts(table: Table) -> list[list[str]]:
    """The table's rows as the reader sees them (computed here: a template calling `cell_text` for each cell took
    longer than the rest of the page)."""
    return [[cell_text(value, column) for value, column in zip(row, table.columns)] for row in table.rows]


def data_date(report: Report) -> str:
    if report.data_received_until is None:
        return "aucun envoi enregistré"
    return f"envois reçus jusqu'au {french.paris_time(report.data_received_until)} (heure de Paris)"


def render_html(report: Report) -> str:
    return _templates.get_template("report.html.j2").render(
        report=report, data_date=data_date(report), cells=cell_texts, svg=to_svg)


def _markdown_header(column: Column) -> str:
    return f"{column.header} ({column.unit})" if column.unit else column.header


def render_markdown(report: Report) -> str:
    """The report as Markdown, ready to edit (a chart becomes its description)."""
    return _markdown.get_template("report.md.j2").render(
        report=report, data_date=data_date(report), cell=cell_text, header=_markdown_header)


def _pdf_block(block, svg) -> dict:
    if isinstance(block, Table):
        return {"kind": "table", "title": block.title, "remarks": block.remarks,
                "columns": [{"header": c.header, "unit": c.unit, "align": "left" if c.kind == TEXT else "right"}
                            for c in block.columns],
                "rows": cell_texts(block)}
    if isinstance(block, Chart):
        return {"kind": "chart", "svg": svg(block), "description": block.description}
    return {"kind": "paragraph", "text": str(block)}


def pdf_payload(report: Report, svg=to_svg) -> dict:
    """The report as the PDF template reads it: every cell already the text the reader sees."""
    participant = report.participant
    identity = [["Participant", f"{participant.name} ({participant.identifier})"],
                *[list(detail) for detail in participant.details],
                ["Année", str(report.year)], ["Données", data_date(report)]]
    return {"title": report.title, "participant": participant.name, "footer": f"{participant.name} – {report.year}",
            "identity": identity, "methods": report.methods,
            "sections": [{"title": section.title, "intro": section.intro,
                          "blocks": [_pdf_block(block, svg) for block in section.blocks]}
                         for section in report.sections]}


@functools.cache
def _pdf_compiler():
    import typst

    return typst.Compiler(root=str(TEMPLATES_DIR))


def render_pdf(report: Report) -> bytes:
    """A4 landscape PDF (Typst): the template receives the report as JSON, so that no text of it is ever read as
    markup. Dated with its data, so that the same report gives the same bytes."""
    stamp = (report.data_received_until or dt.datetime(report.year + 1, 1, 1, tzinfo=dt.UTC)).replace(microsecond=0)
    return _pdf_compiler().compile(input=str(TEMPLATES_DIR / "report.typ"), format="pdf", timestamp=stamp,
                                   sys_inputs={"report": json.dumps(pdf_payload(report), ensure_ascii=False)})


def _sheet_name(table: Table, taken: set[str]) -> str:
    base = "".join(ch for ch in (table.sheet or table.title) if ch not in "[]:*?/\\")[:28] or "Tableau"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base[:26]} {n}", n + 1
    taken.add(name.lower())
    return name


def _xlsx_cells(row: list, columns: list[Column]) -> list:
    cells = []
    for value, column in zip(row, columns):
        width = len(column.parts)
        if value is None or isinstance(value, Masked):
            cells += [None if value is None else str(value)] * width
        else:
            cells += list(value) if width > 1 else [value]
    return cells


def render_xlsx(report: Report) -> bytes:
    """One worksheet per table: the participant, the year and the date of the data on top, French headers with
    their units, frozen header row and filters."""
    buffer = io.BytesIO()
    workbook = inert.workbook(buffer)  # a sender's text stays text: never a formula or a link
    bold = workbook.add_format({"bold": True})
    head = workbook.add_format({"bold": True, "bg_color": "#EEF2F7", "text_wrap": True, "valign": "top", "border": 1})
    formats = {digits: workbook.add_format({"num_format": "#,##0" + ("." + "0" * digits if digits else "")})
               for digits in range(0, 5)}
    taken: set[str] = set()
    for table in report.tables:
        sheet = workbook.add_worksheet(_sheet_name(table, taken))
        sheet.write(0, 0, f"{report.participant.name} ({report.participant.identifier})", bold)
        sheet.write(1, 0, f"{report.title} – {report.year} – données : {data_date(report)}")
        sheet.write(2, 0, table.title, bold)
        headers = [part for column in table.columns for part in column.parts] + (["Remarque"] if any(table.remarks) else [])
        sheet.write_row(4, 0, headers, head)
        number_formats = [formats[c.digits if c.kind != COUNT else 0] if c.kind != TEXT else None
                          for c in table.columns for _ in c.parts]
        for i, (row, remark) in enumerate(zip(table.rows, table.remarks), start=5):
            cells = _xlsx_cells(row, table.columns) + ([remark] if any(table.remarks) else [])
            for j, value in enumerate(cells):
                fmt = number_formats[j] if j < len(number_formats) else None
                sheet.write(i, j, value, fmt) if value is not None else sheet.write_blank(i, j, None)
        sheet.freeze_panes(5, 0)
        sheet.autofilter(4, 0, 4 + len(table.rows), len(headers) - 1)
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, len(headers) - 1, 16)
        sheet.set_row(4, 45)
    workbook.close()
    return buffer.getvalue()

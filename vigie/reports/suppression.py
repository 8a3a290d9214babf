"""Disclosure control of what is published beyond the region: small counts masked, with what derives from them, and
a second cell of their total, so that no masked count can be recovered by subtraction; parts that name
establishments left out. Pure functions on the document objects, so that every format shows the same masks."""

from dataclasses import replace
from numbers import Number

from vigie.reports.document import COUNT, Masked, Report, Section, Table


def _is_count(value) -> bool:
    return isinstance(value, Number) and not isinstance(value, bool)  # Decimal too: DuckDB sums are HUGEINT


def _masks(table: Table, threshold: int) -> dict[tuple[int, int], bool]:
    """(row, column) -> primary, for the disclosive counts of `table`: primary when 0 < count < threshold."""
    counts = [j for j, column in enumerate(table.columns) if column.kind == COUNT and column.disclosive]
    masks = {(i, j): True for i, row in enumerate(table.rows) for j in counts
             if _is_count(row[j]) and 0 < row[j] < threshold}
    for j in counts:
        _protect_totals(table.rows, table.totals, j, masks)
    return masks


def _protect_totals(rows: list[list], totals: dict, j: int, masks: dict) -> None:
    """A total and its parts with a single cell masked give that cell back by subtraction: a second cell is masked,
    the smallest non-zero part shown (a zero beside it would let a reader guess the pair), or the total when no part
    is shown; again until no relation has a single masked cell (a secondary mask may expose another relation)."""
    changed = True
    while changed:
        changed = False
        for total, parts in totals.items():
            hidden = [i for i in (total, *parts) if (i, j) in masks]
            if len(hidden) != 1:
                continue
            shown = [i for i in parts if (i, j) not in masks and _is_count(rows[i][j])]
            if shown:
                masks[(min(shown, key=lambda i: (rows[i][j] == 0, rows[i][j])), j)] = False
            elif (total, j) not in masks:
                masks[(total, j)] = False
            else:
                continue
            changed = True


def mask_small_counts(table: Table, threshold: int) -> Table:
    """`table` with its small counts, the figures derived from them and their complements masked."""
    masks = _masks(table, threshold)
    dependants = {j: [k for k, column in enumerate(table.columns) if j in column.depends_on]
                  for j in range(len(table.columns))}
    rows = [list(row) for row in table.rows]
    for (i, j), primary in masks.items():
        for k in [j, *dependants[j]]:
            if not isinstance(rows[i][k], Masked) or primary:
                rows[i][k] = Masked(primary, threshold)
    return replace(table, rows=rows)


def public_edition(report: Report, threshold: int, notice: str) -> Report:
    """The edition of `report` published beyond the region: restricted sections and tables left out, small counts
    masked; `notice` (how to read the masks) said with the methods."""
    sections = []
    for section in report.sections:
        if section.restricted:
            continue
        blocks = [mask_small_counts(b, threshold) if isinstance(b, Table) else b
                  for b in section.blocks if not (isinstance(b, Table) and b.restricted)]
        sections.append(Section(section.key, section.title, section.intro, blocks))
    return replace(report, sections=sections, methods=[*report.methods, notice])


def masking_notice(threshold: int) -> str:
    return (f"Édition publique : les effectifs de 1 à {threshold - 1} sont masqués (« < {threshold} »), avec les "
            "proportions et taux qui en découlent ; « s » marque une valeur masquée pour qu'un effectif masqué ne "
            "puisse être retrouvé à partir d'un total. Les établissements n'y sont pas nommés.")

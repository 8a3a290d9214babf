"""Disclosure control of what is published beyond the region: small counts masked with what derives from them, a
second cell of their total masked so that subtraction gives nothing back, parts naming establishments left out."""

from vigie.reports.document import COUNT, NUMBER, TEXT, Column, Masked, Participant, Report, Section, Table
from vigie.reports.render import cell_text, render_xlsx
from vigie.reports.suppression import mask_small_counts, masking_notice, public_edition

PRIMARY, SECONDARY = Masked(True, 5), Masked(False, 5)
CLASSES = [Column("Classe", TEXT), Column("Établissements", COUNT), Column("Part", NUMBER, 1, "%", depends_on=(1,))]


def _classes(counts: list[int]) -> Table:
    total = sum(counts)
    rows = [[f"Classe {c}", n, 100 * n / total] for c, n in zip("ABCDE", counts)] + [["Total", total, 100.0]]
    return Table("ICSHA", CLASSES, rows, totals={len(counts): tuple(range(len(counts)))})


def _column(table: Table, j: int) -> list:
    return [row[j] for row in table.rows]


def test_a_small_count_is_masked_with_its_share_and_a_second_cell_of_its_total():
    # 12 + 3 + 20 + 7 + 0 = 42: 3 is masked; 42 - 12 - 20 - 7 - 0 would give it back, so the smallest other non-zero
    # count, 7, is masked too (not the 0: "3 + 0" would be read as 3).
    masked = mask_small_counts(_classes([12, 3, 20, 7, 0]), 5)
    assert _column(masked, 1) == [12, PRIMARY, 20, SECONDARY, 0, 42]
    assert _column(masked, 2)[1] == PRIMARY and _column(masked, 2)[3] == SECONDARY, "shares masked with their counts"
    assert _column(masked, 2)[0] == 100 * 12 / 42


def test_two_small_counts_protect_each_other_and_large_ones_stay():
    assert _column(mask_small_counts(_classes([12, 3, 20, 4, 0]), 5), 1) == [12, PRIMARY, 20, PRIMARY, 0, 39]
    assert _column(mask_small_counts(_classes([12, 6, 20, 7, 0]), 5), 1) == [12, 6, 20, 7, 0, 45], "nothing small"


def test_zeros_are_shown_and_a_small_total_is_masked():
    # 0 reveals nothing; a total of 4 is itself small, and its single non-zero part with it.
    assert _column(mask_small_counts(_classes([0, 4, 0, 0, 0]), 5), 1) == [0, PRIMARY, 0, 0, 0, PRIMARY]


def test_a_secondary_mask_that_exposes_another_total_is_protected_in_turn():
    # T1 = a + b and T2 = b + c. a (3) is masked; T1 - b gives a back, so
    # b (10) is masked; now T2 - c gives b, so c (20) is masked in turn.
    columns = [Column("Ligne", TEXT), Column("Souches", COUNT)]
    table = Table("Résistance", columns, [["a", 3], ["b", 10], ["T1", 13], ["c", 20], ["T2", 30]],
                  totals={2: (0, 1), 4: (1, 3)})
    assert _column(mask_small_counts(table, 5), 1) == [PRIMARY, SECONDARY, 13, SECONDARY, 30]


def test_counts_that_are_not_disclosive_and_figures_without_counts_are_left():
    columns = [Column("Région", TEXT), Column("Participants", COUNT, disclosive=False), Column("Taux", NUMBER, 1)]
    table = Table("Participation", columns, [["Corse", 3, 2.5]])
    assert mask_small_counts(table, 5).rows == [["Corse", 3, 2.5]]


def test_a_figure_derived_from_two_counts_is_masked_with_either():
    columns = [Column("Acte", TEXT), Column("Établissements", COUNT), Column("ISO", COUNT),
               Column("Taux", NUMBER, 2, "%", depends_on=(1, 2))]
    table = Table("ISO", columns, [["HPRO", 3, 12, 1.2], ["CHOL", 8, 2, 0.4], ["CSEC", 9, 15, 0.9]])
    rates = _column(mask_small_counts(table, 5), 3)
    assert rates == [PRIMARY, PRIMARY, 0.9]


def _report() -> Report:
    named = Table("Établissements hors des limites", [Column("Établissement", TEXT)], [["CH X (310000000)"]],
                  restricted=True)
    return Report(Participant("region", "76", "CPias Occitanie"), 2025, "Résultats", None,
                  [Section("missions", "Missions", "", [_classes([12, 3, 20, 7, 0]), named, "Un paragraphe."]),
                   Section("funnels", "Entonnoirs", "", ["CH X est au-delà des limites."], restricted=True)],
                  ["Méthodes."])


def test_the_public_edition_leaves_out_what_names_an_establishment_and_says_how_to_read_the_masks():
    public = public_edition(_report(), 5, masking_notice(5))
    assert [s.key for s in public.sections] == ["missions"]
    assert [type(b).__name__ for b in public.sections[0].blocks] == ["Table", "str"]
    assert public.methods == ["Méthodes.", masking_notice(5)]
    assert _column(public.tables[0], 1)[1] == PRIMARY
    assert _report().tables[0].rows[1][1] == 3, "the edition of the region's own CPias is left whole"


def test_masks_read_the_same_in_every_format():
    assert cell_text(PRIMARY, CLASSES[1]) == "< 5" and cell_text(SECONDARY, CLASSES[2]) == "s"
    from io import BytesIO

    from openpyxl import load_workbook

    public = public_edition(_report(), 5, masking_notice(5))
    sheet = load_workbook(BytesIO(render_xlsx(public))).worksheets[0]
    values = [sheet.cell(row=r, column=2).value for r in range(6, 12)]
    assert values == [12, "< 5", 20, "s", 0, 42]

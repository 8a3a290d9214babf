"""Organisms as laboratories write them resolve to one species, by the same SQL in validation and in dbt."""

import polars as pl
import pytest

from vigie.organisms import resolve

SPELLINGS = [
    ("ESCCOL", "ESCCOL"), (" esccol ", "ESCCOL"), ("Escherichia coli", "ESCCOL"), ("ESCHERICHIA COLI", "ESCCOL"),
    ("escherichia   coli", "ESCCOL"), ("E. coli", "ESCCOL"), ("E.coli", "ESCCOL"), ("e coli", "ESCCOL"),
    ("E. coli BLSE", "ESCCOL"), ("Escherichia coli O157:H7", "ESCCOL"), ("Colibacille", "ESCCOL"),
    ("S. aureus", "STAAUR"), ("Staphylococcus aureus subsp. aureus", "STAAUR"), ("Staphylococcus aureus SARM", "STAAUR"),
    ("Staphylocoque doré", "STAAUR"), ("K. pneumoniae", "KLEPNE"), ("Klebsiella pneumoniae subsp. pneumoniae", "KLEPNE"),
    ("k. pneumoniae  ssp. ozaenae", "KLEPNE"), ("P. aeruginosa", "PSEAER"), ("Pseudomonas aeruginosa mucoïde", "PSEAER"),
    ("E. faecium", "ENCFAI"), ("Enterococcus faecium ERG", "ENCFAI"), ("E. faecalis", "ENCFAE"),
    ("A. baumannii", "ACIBAU"), ("Acinetobacter sp.", "ACISPP"), ("Acinetobacter spp.", "ACISPP"),
    ("Enterobacter aerogenes", "KLEAER"), ("Enterobacter cloacae complex", "ENBCLO"),
    ("Streptocoque du groupe B", "STRAGA"), ("S. pneumoniae", "STRPNE"), ("Salmonella Typhimurium", "SALENT"),
]


@pytest.mark.parametrize("written,code", SPELLINGS)
def test_each_spelling_resolves_to_its_species(written, code):
    assert resolve(pl.Series([written])).to_list() == [code]


@pytest.mark.parametrize("written", ["Bacterium imaginarius", "Escherichia", "Staphylococcus", "coli", "", "ESCCOL2"])
def test_what_names_no_species_stays_unknown(written):
    assert resolve(pl.Series([written])).to_list() == [None]


def test_an_abbreviation_naming_two_species_names_none(tmp_path, monkeypatch):
    """S. aureus and a made-up S. aureus of another genus: the abbreviation is ambiguous, the full names are not."""
    import vigie.organisms as organisms

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "organisms.csv").write_text("organism_code,scientific_name,ears_net_code,organism_group\n"
                                         "STAAUR,Staphylococcus aureus,STAAUR,Staphylococci\n"
                                         "STRAUR,Streptococcus aureus,,Streptococci\n")
    (seeds / "organism_aliases.csv").write_text("alias,organism_code\n")
    monkeypatch.setattr(organisms, "SEEDS_DIR", seeds)
    organisms._lookup.cache_clear()
    try:
        names = pl.Series(["S. aureus", "Staphylococcus aureus", "Streptococcus aureus"])
        assert resolve(names).to_list() == [None, "STAAUR", "STRAUR"]
    finally:
        organisms._lookup.cache_clear()

"""A corpus of hostile files, as a hostile or careless sender produces them, built at test time from the valid
texts of tests/fixtures.py (so that what should be valid really is): one function per family, each returning the
entries to land with what the platform must do with each.

An entry is landed under the landing area at `path` (a file, a symlink, a folder or a named pipe). `outcome` is the
fate of a submission (accepted, accepted_with_warnings, rejected, duplicate) or `left`: not a submission, left
where it is and reported with `reason`. For a submission, `reason` and `details` (lines, columns, values) must be
in its receipt, `absent` must not; `rows` is the number of its rows that must reach the raw table.
"""

import datetime as dt
import io
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter

from fixtures import ROWS, VALID, with_cell

ACCEPTED, WARNED, REJECTED, DUPLICATE, LEFT = "accepted", "accepted_with_warnings", "rejected", "duplicate", "left"
OUTSIDE_MARK = "DEHORS"  # every row of the files outside the landing area carries it


@dataclass
class Entry:
    family: str
    path: str  # relative to the landing area: <dataset>/<name>; non-UTF-8 bytes as os.fsdecode gives them
    content: bytes | None = None
    outcome: str = ACCEPTED
    reason: str = ""
    details: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()  # what its receipt must not say
    rows: int = 0
    link_to: str | None = None  # a symlink to this path (relative to the outside folder when not absolute)
    kind: str = "file"  # file | symlink | folder | fifo
    mtime: float | None = None  # None: landed after the previous entry

    @property
    def dataset(self) -> str:
        return self.path.split("/")[0]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def variant(dataset: str, n: int, text: str | None = None) -> str:
    """The valid text, made distinct by an extra column (named in the receipt, never stored): other bytes, same rows."""
    lines = (text or VALID[dataset]).strip().split("\n")
    return "\n".join([lines[0] + ";envoi", *(f"{line};{n}" for line in lines[1:])]) + "\n"


def frame(dataset: str, text: str | None = None) -> pl.DataFrame:
    return pl.read_csv((text or VALID[dataset]).encode(), separator=";", infer_schema=False)


def accepted(family: str, path: str, content: bytes, dataset: str | None = None, **kwargs) -> Entry:
    return Entry(family, path, content, ACCEPTED, rows=ROWS[dataset or path.split("/")[0]], **kwargs)


# -- names ------------------------------------------------------------------------------------------------------------

def names() -> list[Entry]:
    """Odd, very long, non-UTF-8, dash-leading names, and names holding HTML, formulas or SQL: the name means nothing
    (PROTOCOL.md), each is a submission like any other."""
    odd = [
        "résultats été 2024 (copie n°2).csv", "rapport 📊 final.csv", "x" * 251 + ".csv", "é" * 125 + ".csv",
        os.fsdecode(b"r\xe9sultats_latin1.csv"), "-rf.csv", "--help.csv", "<img src=x onerror=alert(1)>.csv",
        "=HYPERLINK(\"http:__evil.example\",\"clic\").csv", "'; DROP TABLE raw.spares_activity; --.csv",
        "nom\navec retour.csv", "export.CSV", "@SUM(1+1).csv", "+33 1 23 45.csv",
    ]
    entries = [accepted("names", f"spares_activity/{name}", variant("spares_activity", n).encode(),
                        details=(os.fsencode(name).decode("cp1252") if "\udce9" in name else name,))
               for n, name in enumerate(odd)]  # the receipt names the file as the sender's machine named it
    entries += [
        Entry("names", "spares_activity/SANS_EXTENSION", variant("spares_activity", 99).encode(), REJECTED,
              "format (aucun) non pris en charge"),
        Entry("names", "spares_activity/export.xls", variant("spares_activity", 98).encode(), REJECTED,
              "format .xls non pris en charge"),
        Entry("names", "spares_activity/Thumbs.db", b"\xd0\xcf\x11\xe0" + bytes(60), REJECTED,
              "format .db non pris en charge"),
    ]
    return entries


# -- symlinks -----------------------------------------------------------------------------------------------------------

def outside_files(outside: Path) -> dict[str, bytes]:
    """What lies outside the landing area, where symlinks point: a valid file and a secret."""
    isolates = VALID["isolates"].replace(";I1;", f";{OUTSIDE_MARK}1;").replace(";I2;", f";{OUTSIDE_MARK}2;") \
        .replace(";C1;", f";{OUTSIDE_MARK}3;")
    return {"resultats_dehors.csv": isolates.encode(), "secret.csv": f"finess;year\n{OUTSIDE_MARK};2024\n".encode(),
            "dossier/resultats.csv": isolates.encode()}


def symlinks() -> list[Entry]:
    """Never followed: neither read nor moved, whether they point out of the landing area, nowhere or inside it."""
    reason = "lien symbolique"
    return [
        Entry("symlinks", "isolates/lien_dehors.csv", outcome=LEFT, reason=reason, kind="symlink",
              link_to="resultats_dehors.csv"),
        Entry("symlinks", "isolates/lien_secret.csv", outcome=LEFT, reason=reason, kind="symlink", link_to="secret.csv"),
        Entry("symlinks", "isolates/lien_casse.csv", outcome=LEFT, reason=reason, kind="symlink",
              link_to="absent.csv"),
        Entry("symlinks", "isolates/lien_dossier", outcome=LEFT, reason=reason, kind="symlink", link_to="dossier"),
        Entry("symlinks", "spares_consumption/lien_interne.csv", outcome=LEFT, reason=reason, kind="symlink",
              link_to="../isolates/resultats_valides.csv"),
    ]


# -- hidden files, sub-folders, unknown folders ---------------------------------------------------------------------------

def strays() -> list[Entry]:
    """What is not a submission of a dataset: hidden and temporary files of the sender's tools, sub-folders, a folder
    named after no dataset, a file outside the dataset folders, a named pipe. Left where it is, and reported."""
    return [
        Entry("strays", "isolates/.DS_Store", b"\0\0\0\1Bud1" + bytes(50), LEFT, "fichier caché"),
        Entry("strays", "isolates/._resultats.csv", b"\0\5\26\7" + bytes(40), LEFT, "fichier caché"),
        Entry("strays", "isolates/.~lock.resultats.csv#", b"ordinateur,utilisateur;", LEFT, "fichier caché"),
        Entry("strays", "isolates/~$classeur.xlsx", b"\x0bparticipant" + bytes(150), LEFT, "fichier temporaire"),
        Entry("strays", "isolates/2024", outcome=LEFT, reason="sous-dossier", kind="folder"),
        Entry("strays", "isolates/2024/resultats.csv", variant("isolates", 1).encode(), LEFT, "sous-dossier"),
        Entry("strays", "isolats", outcome=LEFT, reason="aucun jeu de données", details=("isolates",), kind="folder"),
        Entry("strays", "isolats/resultats.csv", variant("isolates", 2).encode(), LEFT, "aucun jeu de données"),
        Entry("strays", "resultats_a_la_racine.csv", variant("isolates", 3).encode(), LEFT, "hors des dossiers"),
        Entry("strays", "isolates/tube", outcome=LEFT, reason="pas un fichier ordinaire", kind="fifo"),
    ]


# -- files still being written ------------------------------------------------------------------------------------------

APPENDED = "isolates/en_cours_de_depot.csv"


def appended_row(n: int) -> str:
    """A valid row of its own isolate, the n-th appended to the file being written."""
    return f"LAB00077;COMM;W{n};PAT-CLAIR-W{n};F;50;2024-05-02;URINE;;31;ESCCOL;AMX;S;;;\n"


def being_written() -> list[Entry]:
    """Uploads still in progress under a temporary name; the file appended to while the run starts is
    `APPENDED` (tests/test_hostile_files.py writes it)."""
    return [
        Entry("being_written", "isolates/resultats.csv.part", variant("isolates", 4).encode()[:200], LEFT,
              "dépôt en cours"),
        Entry("being_written", "isolates/resultats.csv.filepart", variant("isolates", 5).encode()[:200], LEFT,
              "dépôt en cours"),
    ]


# -- encodings, line ends, separators, quoting ----------------------------------------------------------------------------

ACCENTED = "Hôpital Sainte-Thérèse œuvre n°2 – « pavillon »"


def encodings() -> list[Entry]:
    text = VALID["establishments"].replace("CH Ajaccio test", "Hôpital Sainte-Thérèse")
    cp1252 = VALID["establishments"].replace("CH Ajaccio test", ACCENTED)
    quoted = VALID["establishments"].replace("CH Ajaccio test", '"CH ""Saint; Jean"",\nannexe; bât. B"')
    lines = variant("spares_activity", 200).strip().split("\n")
    mixed = (lines[0] + "\r\n" + lines[1] + "\n" + lines[2] + "\r" + lines[3] + "\r\n").encode()
    return [
        Entry("encodings", "establishments/texte_unicode.csv", ("\ufeff" + text.replace(";", "\t")).encode("utf-16-le"),
              REJECTED, "UTF-16"),
        Entry("encodings", "establishments/utf16_sans_bom.csv", text.encode("utf-16-le"), REJECTED, "UTF-16"),
        accepted("encodings", "establishments/latin1.csv", variant("establishments", 1, text).replace(";", ",")
                 .encode("latin-1")),
        accepted("encodings", "establishments/windows1252.csv", variant("establishments", 2, cp1252).encode("cp1252")),
        accepted("encodings", "establishments/bom_crlf.csv",
                 ("\ufeff" + variant("establishments", 3)).replace("\n", "\r\n").encode()),
        accepted("encodings", "spares_activity/fins_de_ligne_melangees.csv", mixed),
        accepted("encodings", "spares_activity/mac_classique.csv", variant("spares_activity", 201).replace("\n", "\r")
                 .encode()),
        Entry("encodings", "establishments/tabulations.csv", variant("establishments", 4).replace(";", "\t").encode(),
              REJECTED, "tabulation"),
        accepted("encodings", "establishments/guillemets.csv", quoted.encode()),
        Entry("encodings", "establishments/octets_invalides.csv",
              variant("establishments", 6).encode().replace(b"Toulouse", b"Toul\x81\x8d\x8f"), REJECTED, "encodage"),
    ]


# -- workbooks ------------------------------------------------------------------------------------------------------------

def _workbook(build) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    build(workbook)
    workbook.close()
    return buffer.getvalue()


def _write_rows(sheet, rows: list[list[str]], first_row: int = 0) -> None:
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.write_string(r, c, value)


def _rows(dataset: str, text: str | None = None) -> list[list[str]]:
    return [line.split(";") for line in (text or VALID[dataset]).strip().split("\n")]


def workbooks() -> list[Entry]:
    activity = _rows("spares_activity")

    def several_sheets(workbook):
        _write_rows(workbook.add_worksheet("Données"), activity)
        _write_rows(workbook.add_worksheet("Notes"), [["à ne pas lire"], ["=1+1"]])

    def notice_first(workbook):
        _write_rows(workbook.add_worksheet("Notice"), [["Lisez-moi : les données sont dans la feuille suivante"]])
        _write_rows(workbook.add_worksheet("Données"), activity)

    def formulas(workbook):
        sheet = workbook.add_worksheet()
        rows = _rows("establishments")
        _write_rows(sheet, [rows[0], *(r[:5] for r in rows[1:])])
        for r, row in enumerate(rows[1:], start=1):
            sheet.write_formula(r, 5, f"={int(row[5]) - 100}+100", None, int(row[5]))
        sheet.write_formula(3, 2, '=HYPERLINK("http://evil.example","CH Ajaccio test")', None, "CH Ajaccio test")

    def merged_title(workbook):
        sheet = workbook.add_worksheet()
        sheet.merge_range(0, 0, 0, 4, "Extraction SPARES 2024 – activité")
        _write_rows(sheet, activity, first_row=1)

    def empty_rows_above(workbook):
        sheet = workbook.add_worksheet()
        _write_rows(sheet, _rows("spares_activity", with_cell("spares_activity", 2, "sector", "URG")), first_row=2)

    def serial_dates(workbook):
        sheet = workbook.add_worksheet()
        rows = _rows("spicmi_procedures")
        _write_rows(sheet, rows)
        sheet.write_number(1, rows[0].index("procedure_date"), 45352)  # 1 March 2024, as a bare serial number
        dated = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_datetime(2, rows[0].index("procedure_date"), dt.datetime(2024, 4, 1), dated)

    def dated_cells(workbook):
        sheet = workbook.add_worksheet()
        rows = _rows("spicmi_procedures")
        _write_rows(sheet, rows)
        dated = workbook.add_format({"num_format": "dd/mm/yyyy"})
        for r, row in enumerate(rows[1:], start=1):
            day = dt.datetime.strptime(row[5], "%Y-%m-%d")
            sheet.write_datetime(r, 5, day, dated)
            sheet.write_number(r, 1, 2024)

    return [
        accepted("workbooks", "spares_activity/plusieurs_feuilles.xlsx", _workbook(several_sheets)),
        Entry("workbooks", "spares_activity/notice_en_premier.xlsx", _workbook(notice_first), REJECTED,
              "première feuille", ("Notice",)),
        accepted("workbooks", "establishments/formules.xlsx", _workbook(formulas)),
        Entry("workbooks", "spares_activity/titre_fusionne.xlsx", _workbook(merged_title), REJECTED,
              "ligne 2"),
        Entry("workbooks", "spares_activity/lignes_vides_au_dessus.xlsx", _workbook(empty_rows_above), REJECTED,
              "code inconnu", ("sector", "6", "URG")),
        Entry("workbooks", "spicmi_procedures/dates_en_nombres.xlsx", _workbook(serial_dates), REJECTED,
              "attendu une date", ("procedure_date", "2", "45352"), absent=("obligatoire manquante",)),
        accepted("workbooks", "spicmi_procedures/dates_excel.xlsx", _workbook(dated_cells)),
        Entry("workbooks", "spicmi_procedures/pas_un_classeur.xlsx", variant("spicmi_procedures", 1).encode(), REJECTED,
              "porte l'extension .xlsx"),
    ]


# -- Parquet --------------------------------------------------------------------------------------------------------------

def _parquet(data: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    data.write_parquet(buffer)
    return buffer.getvalue()


def parquets() -> list[Entry]:
    exposure = frame("spiadi_exposure")
    counts = ["patient_days", "cvc_days", "picc_days", "port_days", "pvc_days"]
    unexpected = exposure.with_columns(pl.col("year").cast(pl.Int16), pl.col("sector").cast(pl.Categorical),
                                       pl.col("patient_days").cast(pl.Float64), pl.col("cvc_days").cast(pl.UInt32),
                                       pl.col("picc_days").cast(pl.Decimal(10, 2)), pl.col("finess").cast(pl.Binary))
    nested_extra = exposure.with_columns(pl.concat_list(pl.col(counts).cast(pl.Int64)).alias("detail"),
                                         pl.struct("sector", "year").alias("origine"), pl.lit(1).alias("envoi"))
    nested_protocol = exposure.with_columns(pl.struct("finess", "sector").alias("finess"))
    bacteremia = frame("spiadi_bacteremia").with_columns(
        pl.col("sample_date").str.to_datetime("%Y-%m-%d", time_zone="Europe/Paris"), pl.col("year").cast(pl.Int64))
    halves = exposure.with_columns(pl.col("patient_days").cast(pl.Float64) + 0.5, pl.lit(2).alias("envoi"))
    return [
        accepted("parquets", "spiadi_exposure/types_inattendus.parquet", _parquet(unexpected)),
        accepted("parquets", "spiadi_exposure/colonnes_imbriquees_en_plus.parquet", _parquet(nested_extra)),
        Entry("parquets", "spiadi_exposure/finess_imbrique.parquet", _parquet(nested_protocol), REJECTED,
              "type imbriqué", ("finess",)),
        accepted("parquets", "spiadi_bacteremia/dates_avec_fuseau.parquet", _parquet(bacteremia)),
        Entry("parquets", "spiadi_exposure/demi_journees.parquet", _parquet(halves), REJECTED, "nombre entier",
              ("patient_days", "2", "2000.5"), absent=("obligatoire manquante",)),
        Entry("parquets", "spiadi_exposure/pas_un_parquet.parquet", b"PAR1" + bytes(100) + b"PAR1", REJECTED,
              "Parquet illisible"),
    ]


# -- very large files ---------------------------------------------------------------------------------------------------

MAX_FILE_MB = 1  # the limit the hostile run sets (VIGIE_MAX_FILE_MB)


def large() -> list[Entry]:
    header, *rows = VALID["isolates"].strip().split("\n")
    row = rows[0]
    big_rows = [row.replace(";I1;", f";G{i};") for i in range(MAX_FILE_MB * 2**20 // len(row) + 100)]
    near = [row.replace(";I1;", f";N{i};") for i in range(2000)]
    return [
        Entry("large", "isolates/tres_gros.csv", "\n".join([header, *big_rows]).encode() + b"\n", REJECTED,
              "au-delà de la limite", ("1 Mo",)),
        Entry("large", "isolates/une_seule_ligne.csv", b"finess;" * 130_000, REJECTED,
              "colonnes, au-delà de la limite"),
        Entry("large", "isolates/gros_mais_permis.csv", "\n".join([header, *near]).encode() + b"\n", ACCEPTED,
              rows=len(near)),
    ]


# -- HTML, formulas and SQL in cells and headers ------------------------------------------------------------------------

INJECTIONS = ['<script>alert("vigie")</script>', '=HYPERLINK("http://evil.example","clic")',
              "'; DROP TABLE raw.establishments; --", "@SUM(1+1)*cmd|' /C calc'!A0", "+33 1 23 45 67 89",
              "-2+3+cmd|' /C calc'!A0"]


def injections() -> list[Entry]:
    """Free-text cells hold anything: stored as written, never run; codes that are not codes are refused."""
    registry = VALID["establishments"]
    for name, injection in zip(["CHU Toulouse test", "Hôpital Saint-Louis test", "CH Ajaccio test",
                                "CHU Guadeloupe test"], INJECTIONS):
        registry = registry.replace(name, '"' + injection.replace('"', '""') + '"')
    header, *rows = VALID["isolates"].strip().split("\n")
    in_headers = "\n".join([header + ';<script>alert(1)</script>;"=cmd|\'/C calc\'!A0"',
                            *(row + ";x;y" for row in rows)]) + "\n"
    return [
        accepted("injections", "establishments/noms_hostiles.csv", registry.encode()),
        Entry("injections", "isolates/organisme_html.csv",
              with_cell("isolates", 5, "organism", "<script>alert(1)</script>").encode(), WARNED,
              "micro-organisme non reconnu", ("organism", "7"), rows=ROWS["isolates"]),
        Entry("injections", "isolates/antibiotique_formule.csv", with_cell("isolates", 2, "antibiotic", "=1+2").encode(),
              REJECTED, "code antibiotique mal formé", ("antibiotic", "4")),
        Entry("injections", "isolates/sql_dans_un_code.csv",
              with_cell("isolates", 1, "specimen", '"URINE\'; DROP TABLE raw.isolates; --"').encode(), REJECTED,
              "code inconnu", ("specimen", "3")),
        accepted("injections", "isolates/entetes_hostiles.csv", in_headers.encode()),
        accepted("injections", "isolates/source_point_point.csv",
                 VALID["isolates"].replace("310781406", "..").replace("LAB00001", "..").encode()),
    ]


# -- corrections and line ends --------------------------------------------------------------------------------------------

CORRECTION = VALID["spiadi_exposure"].replace("2000;1100", "2100;1150")
DAY = 86_400


def corrections(now: float) -> list[Entry]:
    """The same content under other line ends is other bytes, so another submission (PROTOCOL.md: a submission is
    the SHA-256 of its bytes) that supersedes the first with the same rows; the same bytes again are a duplicate;
    a file dated in the future (the sender's clock) is received now. The correction that arrives after the file it
    corrects, with an older date (unzip keeps the sender's dates), is landed by the second run."""
    bacteremia = VALID["spiadi_bacteremia"]
    return [
        Entry("corrections", "spiadi_bacteremia/episodes_windows.csv", bacteremia.replace("\n", "\r\n").encode(),
              ACCEPTED, "remplace l'envoi", rows=ROWS["spiadi_bacteremia"]),
        Entry("corrections", "spiadi_bacteremia/episodes_copie.csv", bacteremia.encode(), DUPLICATE),
        Entry("corrections", "icsha/horloge_en_avance.csv", variant("icsha", 1).encode(), ACCEPTED,
              rows=ROWS["icsha"], mtime=now + 3650 * DAY),
    ]


def second_run(now: float) -> list[Entry]:
    """Landed by the second run: the correction dated a day before the file it corrects, then that file again (the
    same bytes: a duplicate, the correction stays current); and a dataset folder that is a symlink out of the
    landing area."""
    return [
        Entry("corrections", "spiadi_exposure/correction_ancienne_date.csv", CORRECTION.encode(), ACCEPTED,
              "remplace l'envoi", rows=ROWS["spiadi_exposure"], mtime=now - DAY),
        Entry("corrections", "spiadi_exposure/renvoi_de_l_original.csv", VALID["spiadi_exposure"].encode(), DUPLICATE,
              "déjà reçu", mtime=now - 60),
        Entry("symlinks", "population", outcome=LEFT, reason="lien symbolique", kind="symlink", link_to="dossier"),
    ]


# -- the whole corpus -------------------------------------------------------------------------------------------------------

def valid_files() -> list[Entry]:
    """One valid file per dataset, as the fixtures write it."""
    return [accepted("valid", f"{dataset}/{'resultats_valides' if dataset == 'isolates' else 'valide'}.csv",
                     VALID[dataset].encode()) for dataset in VALID]


FAMILIES = (names, symlinks, strays, being_written, encodings, workbooks, parquets, large, injections)


def corpus(now: float) -> list[Entry]:
    return [*valid_files(), *(entry for family in FAMILIES for entry in family()), *corrections(now)]


def land(entries: list[Entry], landing: Path, outside: Path, first_stamp: float) -> None:
    """Writes the entries (and what lies outside the landing area), each landed a second after the previous one
    unless it says its date."""
    for relative, content in outside_files(outside).items():
        (outside / relative).parent.mkdir(parents=True, exist_ok=True)
        (outside / relative).write_bytes(content)
    for n, entry in enumerate(entries):
        path = landing / entry.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if entry.kind == "folder":
            path.mkdir(exist_ok=True)
            continue
        if entry.kind == "fifo":
            os.mkfifo(path)
            continue
        if entry.kind == "symlink":
            if path.is_dir() and not path.is_symlink() and not any(path.iterdir()):
                path.rmdir()  # a dataset folder, emptied by the first run, replaced by a symlink
            target = entry.link_to if entry.link_to.startswith(".") else str(outside / entry.link_to)
            path.symlink_to(target)
            continue
        path.write_bytes(entry.content)
        stamp = entry.mtime if entry.mtime is not None else first_stamp + n
        os.utime(path, (stamp, stamp))

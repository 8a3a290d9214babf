"""Every rule of PROTOCOL.md for a dataset, with its severity and its message in French.

Rules on one cell map to a Great Expectations expectation directly; rules across fields or rows are
computed as a boolean column `_rule__<name>` (null when it does not apply) that the suite expects True.
"""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from quality import finess as fin
from vigie import organisms, protocol as p
from vigie.parsing import TYPE_ERROR_PREFIX
from vigie.reference import antibiotic_codes, code_lists, ddd_keys, ddd_table

CRITICAL, WARNING = "critical", "warning"
FLAG_PREFIX = "_rule__"
FIRST_YEAR = 2000

TYPE_NAMES = {
    p.INT: "un nombre entier",
    p.YEAR: "une année sur 4 chiffres",
    p.DECIMAL: "un nombre (virgule ou point décimal)",
    p.DATE: "une date AAAA-MM-JJ ou JJ/MM/AAAA",
}


@dataclass(frozen=True)
class Rule:
    rule_id: str
    columns: tuple[str, ...]  # the columns of the file that the message names, the checked one first
    severity: str
    check: str  # not_null | in_set | between | regex | unique | flag
    message: str
    params: dict = field(default_factory=dict, hash=False)

    @property
    def column(self) -> str:
        return self.columns[0]

    @property
    def checked_columns(self) -> tuple[str, ...]:
        """The columns of the typed frame that the rule's expectation reads."""
        if self.check == "flag":
            return (self.params["flag"],)
        if self.check == "unique":
            return tuple(self.params["column_list"])
        return (self.column,)


def _codes_text(codes) -> str:
    return ", ".join(sorted(codes))


def _column_rules(column: p.Column) -> list[Rule]:
    name, rules = column.name, []
    if column.required:
        rules.append(Rule(f"{name}.required", (name,), CRITICAL, "not_null", "valeur obligatoire manquante"))
    if column.kind in TYPE_NAMES:
        rules.append(Rule(f"{name}.type", (name,), CRITICAL, "flag", f"valeur illisible : attendu {TYPE_NAMES[column.kind]}",
                          {"flag": TYPE_ERROR_PREFIX + name}))
    if column.kind == p.CODE and column.code_list:
        codes = code_lists()[column.code_list]
        shown = _codes_text(codes) if len(codes) <= 15 else f"voir la liste « {column.code_list} » du protocole"
        rules.append(Rule(f"{name}.code", (name,), CRITICAL, "in_set", f"code inconnu (codes admis : {shown})",
                          {"value_set": sorted(codes)}))
    if column.kind == p.CODES:
        codes = _codes_text(code_lists()[column.code_list])
        rules.append(Rule(f"{name}.code", (name,), CRITICAL, "flag",
                          f"code inconnu (un ou plusieurs de : {codes}, séparés par |)", {"flag": FLAG_PREFIX + name}))
    if column.kind == p.YEAR:
        rules.append(Rule(f"{name}.range", (name,), CRITICAL, "between",
                          f"année hors limites : attendu une année passée ou en cours ({FIRST_YEAR} ou après)",
                          {"min_value": FIRST_YEAR, "max_value": dt.date.today().year}))
    elif column.minimum is not None or column.maximum is not None:
        rules.append(Rule(f"{name}.range", (name,), CRITICAL, "between", _range_message(column),
                          {"min_value": column.minimum, "max_value": column.maximum,
                           "strict_min": column.min_exclusive}))
    if column.kind == p.FINESS:
        rules += [
            Rule(f"{name}.format", (name,), CRITICAL, "regex", "FINESS mal formé : 9 caractères attendus (chiffres, 2A ou 2B)",
                 {"regex": fin.FINESS_PATTERN}),
            Rule(f"{name}.luhn", (name,), CRITICAL, "flag", "FINESS invalide : la clé de contrôle (Luhn) ne correspond pas",
                 {"flag": f"{FLAG_PREFIX}luhn__{name}"}),
            Rule(f"{name}.department", (name,), CRITICAL, "flag", "FINESS invalide : il ne commence pas par un code de département connu",
                 {"flag": f"{FLAG_PREFIX}department__{name}"}),
        ]
    return rules


def _range_message(column: p.Column) -> str:
    low = "" if column.minimum is None else f"{'>' if column.min_exclusive else '≥'} {column.minimum:g}"
    high = "" if column.maximum is None else f"≤ {column.maximum:g}"
    return "valeur hors limites : attendu " + " et ".join(part for part in (low, high) if part)


# Cross-field rules: name -> (columns named in the message, the checked one first; severity; message).
CROSS_FIELD = {
    "department_matches_finess": (("department", "finess"), CRITICAL, "le département ne correspond pas au début du FINESS"),
    "atc_code_format": (("atc_code",), CRITICAL, "code ATC mal formé : attendu un code de niveau 5 (ex. J01CA04)"),
    "ddd_exists": (("atc_code", "route"), CRITICAL,
                   "pas de DDJ de l'OMS pour ce code ATC et cette voie (ni de convention du protocole)"),
    "unit_convertible": (("unit", "atc_code", "route"), CRITICAL,
                         "unité incompatible avec celle de la DDJ de ce code ATC et de cette voie : g ou mg pour une DDJ "
                         "en grammes, MU (millions d'unités) pour une DDJ en MU ; convertissez la quantité"),
    "sample_date_not_future": (("sample_date",), CRITICAL, "date de prélèvement dans le futur"),
    "sector_when_hospital": (("sector", "setting"), WARNING, "secteur d'activité manquant pour une souche hospitalière"),
    "department_when_community": (("department", "setting"), WARNING, "département du patient manquant (ville ou EHPAD)"),
    "organism_known": (("organism",), WARNING,
                       "micro-organisme non reconnu : ligne conservée mais exclue des indicateurs (code ECDC ou nom "
                       "scientifique attendu, ex. ESCCOL ou Escherichia coli)"),
    "antibiotic_format": (("antibiotic",), CRITICAL, "code antibiotique mal formé : attendu 3 lettres (ex. AMX, CTX, CIP)"),
    "antibiotic_known": (("antibiotic",), WARNING,
                         "code antibiotique absent de la liste de référence (WHONET / EARS-Net) : ligne conservée mais "
                         "exclue des indicateurs"),
    "dating_spill": (("sample_date", "source_id"), WARNING,
                     "année de prélèvement marginale dans ce fichier (moins de {spill} % de ses lignes pour cette source) : "
                     "lignes non intégrées, les données déjà reçues pour cette année restent en vigueur ; pour corriger "
                     "cette année, envoyez un fichier complet de cette année"),
    "sample_date_in_year": (("sample_date", "year"), WARNING, "date de prélèvement hors de l'année déclarée"),
    "procedure_date_in_year": (("procedure_date", "year"), WARNING, "date d'intervention hors de l'année déclarée"),
    "ssi_depth_when_ssi": (("ssi_depth", "ssi"), CRITICAL, "profondeur de l'ISO à renseigner si et seulement si ssi = Y"),
    "ssi_date_when_ssi": (("ssi_date", "ssi"), CRITICAL, "date de l'ISO à renseigner si et seulement si ssi = Y"),
    "ssi_date_within_followup": (("ssi_date", "procedure_date", "followup_days"), CRITICAL,
                                 "date de l'ISO hors du suivi (entre la date d'intervention et la fin du suivi)"),
    "followup_complete": (("followup_days", "implant"), WARNING, "suivi incomplet : 30 jours attendus (90 avec implant)"),
    "activity_volume_given": (("activity_volume", "activity"), CRITICAL,
                              "volume d'activité manquant (obligatoire hors ligne TOTAL)"),
    "hand_rub_total_consistent": (("hand_rub_liters", "activity"), CRITICAL,
                                  "volume de PHA : le total de l'établissement doit être répété à l'identique sur chaque "
                                  "ligne, ou donné sur une ligne TOTAL"),
    "first_case_before_declared": (("first_case_on", "declared_on"), CRITICAL,
                                   "date du premier cas postérieure à la date de signalement"),
    "deaths_within_cases": (("deaths", "cases"), CRITICAL, "plus de décès que de cas"),
    "closed_on_when_closed": (("closed_on", "status"), CRITICAL,
                              "date de clôture à renseigner si et seulement si le statut est CLOSED"),
    "closed_after_declared": (("closed_on", "declared_on"), CRITICAL, "date de clôture antérieure à la date de signalement"),
    "declared_not_future": (("declared_on",), CRITICAL, "date de signalement dans le futur"),
}

# The rows of one isolate (source, year of the sample, number) must agree on these columns. Several rows may carry
# the ESBL or carbapenemase result: different results are a warning, and the positive one is kept.
ISOLATE_IDENTITY = ("patient_id", "sample_date", "specimen", "organism", "setting", "sector", "department")
ISOLATE_RESULTS = ("esbl", "carbapenemase")
for _column in ISOLATE_IDENTITY:
    CROSS_FIELD[f"isolate_consistent.{_column}"] = (
        (_column, "isolate_id"), CRITICAL,
        f"les lignes d'une même souche (source_id, année de prélèvement, isolate_id) ne concordent pas : {_column}")
for _column in ISOLATE_RESULTS:
    CROSS_FIELD[f"isolate_consistent.{_column}"] = (
        (_column, "isolate_id"), WARNING,
        f"résultats « {_column} » discordants entre les lignes d'une même souche : le résultat positif est retenu")
# The protocol's one rule "isolate_consistent" is checked, and answered, column by column.
EXPANDED = {"isolate_consistent": tuple(f"isolate_consistent.{c}" for c in ISOLATE_IDENTITY + ISOLATE_RESULTS)}


def cross_rule_names(dataset: p.Dataset) -> list[str]:
    return [name for rule in dataset.extra_rules for name in EXPANDED.get(rule, (rule,))]


def _cross_rule(name: str, dataset: p.Dataset) -> Rule:
    columns, severity, message = CROSS_FIELD[name]
    return Rule(name, columns, severity, "flag", message.format(spill=f"{(dataset.spill_share or 0) * 100:g}"),
                {"flag": FLAG_PREFIX + name})


def _unique_rule(dataset: p.Dataset) -> Rule:
    shown = tuple(dataset.year_column if c == p.ROW_YEAR else c for c in dataset.unique_rows)
    names = ", ".join(f"année de {dataset.year_column}" if c == p.ROW_YEAR else c for c in dataset.unique_rows)
    return Rule("unique_rows", shown, CRITICAL, "unique", f"ligne en double : ({names}) doit être unique dans le fichier",
                {"column_list": ["_submission_id", *dataset.unique_rows]})


def rules_for(dataset: p.Dataset) -> list[Rule]:
    rules = [rule for column in dataset.columns for rule in _column_rules(column)]
    if dataset.unique_rows:
        rules.append(_unique_rule(dataset))
    return rules + [_cross_rule(name, dataset) for name in cross_rule_names(dataset)]


def _today() -> dt.date:
    return dt.date.today()


def _when(condition: pl.Expr, applies: pl.Expr) -> pl.Expr:
    """True/False where the rule applies, null where it does not (nulls are not counted by the suite)."""
    return pl.when(applies).then(condition)


def _unit_family(unit: pl.Expr) -> pl.Expr:
    return unit.str.to_uppercase().replace({"G": "mass", "MG": "mass", "MU": "MU"})


def _ddd_unit(atc_route: pl.Expr) -> pl.Expr:
    units = {key: unit for key, (_, unit) in ddd_table().items()}
    return atc_route.replace_strict(units, default=None, return_dtype=pl.String)


# The rows each rule comparing rows compares, within one file: a file validated in parts is split along them.
ROW_GROUPS = {
    "isolate_consistent": ["_submission_id", "source_id", p.ROW_YEAR, "isolate_id"],
    "hand_rub_total_consistent": ["_submission_id", "finess", "year"],
}
PLAUSIBILITY_GROUPS = {"spares_consumption": ["_submission_id", "finess", "year"]}  # quality/plausibility.py


def part_columns(dataset: p.Dataset) -> list[str]:
    """The columns that every rule comparing rows of a file groups by (uniqueness, consistency, plausibility), so that
    rows alike in them are validated together. The dating spill weighs a whole file's years: it is given the file's
    counts (`spill_counts`) instead."""
    groups = [columns for name, columns in ROW_GROUPS.items() if name in dataset.extra_rules]
    if dataset.unique_rows:
        groups.append(["_submission_id", *dataset.unique_rows])
    if dataset.name in PLAUSIBILITY_GROUPS:
        groups.append(PLAUSIBILITY_GROUPS[dataset.name])
    return [column for column in groups[0] if all(column in group for group in groups)] if groups else []


def part_of(dataset: p.Dataset, count: int) -> pl.Expr:
    """Which of `count` parts a typed row goes to: rows alike in `part_columns` to the same, the others at random."""
    return (pl.struct(part_columns(dataset) or ["_submission_id", "_line"]).hash(seed=0) % count).alias("_part")


def _isolate_flags() -> dict[str, pl.Expr]:
    c = pl.col
    isolate = ROW_GROUPS["isolate_consistent"]
    flags = {f"isolate_consistent.{column}": c(column).n_unique().over(isolate) == 1 for column in ISOLATE_IDENTITY}
    flags["isolate_consistent.organism"] = c("_organism").n_unique().over(isolate) == 1
    flags.update({f"isolate_consistent.{column}": c(column).drop_nulls().n_unique().over(isolate) <= 1
                  for column in ISOLATE_RESULTS})
    return flags


def _spill_source(dataset: p.Dataset) -> list[str]:
    return ["_submission_id", *[k for k in dataset.key if k != p.ROW_YEAR]]


def spill_counts(frame: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame:
    """A file's rows per source and year, which the dating spill weighs (the counts of a file's parts add up)."""
    return frame.group_by(*_spill_source(dataset), p.ROW_YEAR).len("rows")


def _with_spill_shares(frame: pl.DataFrame, dataset: p.Dataset, counts: pl.DataFrame) -> pl.DataFrame:
    """Each row's year's share of its source's rows in the file, and how many of its source's years hold at least
    `spill_share` of them."""
    source = _spill_source(dataset)
    share = pl.col("rows") / pl.col("rows").sum().over(source)
    shares = (counts.group_by(*source, p.ROW_YEAR).agg(pl.col("rows").sum())
              .with_columns(share.alias("_year_share"))
              .with_columns(pl.when(pl.col("_year_share") >= dataset.spill_share).then(pl.col(p.ROW_YEAR))
                            .drop_nulls().n_unique().over(source).alias("_main_years"))
              .drop("rows"))
    return frame.join(shares, on=[*source, p.ROW_YEAR], how="left", nulls_equal=True, maintain_order="left")


def _spill_flag(dataset: p.Dataset) -> pl.Expr:
    """False on the rows of a year holding under `spill_share` of the rows a file has for its source, when all its
    other rows belong to one year (PROTOCOL.md, isolates)."""
    return ~((pl.col("_year_share") < dataset.spill_share) & (pl.col("_main_years") == 1))


def _flag_expressions(dataset: p.Dataset) -> dict[str, pl.Expr]:
    c = pl.col
    within_followup = (c("ssi_date") >= c("procedure_date")) & (
        c("ssi_date") <= c("procedure_date") + pl.duration(days=c("followup_days")))
    rubs = c("hand_rub_liters").filter(c("activity") != "TOTAL")
    has_total = ((c("activity") == "TOTAL") & c("hand_rub_liters").is_not_null()).any()
    atc_route = c("atc_code") + "|" + c("route")
    known = {
        "department_matches_finess": _when(fin.prefix_department("finess") == c("department"),
                                           c("finess").is_not_null() & c("department").is_not_null()),
        "atc_code_format": c("atc_code").str.contains(r"^[A-Z]\d{2}[A-Z]{2}\d{2}$"),
        "ddd_exists": atc_route.is_in(list(ddd_keys())),
        "unit_convertible": _when(_unit_family(c("unit")) == _unit_family(_ddd_unit(atc_route)),
                                  atc_route.is_in(list(ddd_keys()))),
        "sample_date_not_future": c("sample_date") <= _today(),
        "sector_when_hospital": _when(c("sector").is_not_null(), c("setting") == "HOSP"),
        "department_when_community": _when(c("department").is_not_null(), c("setting").is_in(["COMM", "EHPAD"])),
        "organism_known": _when(c("_organism_code").is_not_null(), c("organism").is_not_null()),
        "antibiotic_format": c("antibiotic").str.contains(r"^[A-Z]{3}$"),
        "antibiotic_known": _when(c("antibiotic").is_in(list(antibiotic_codes())),
                                  c("antibiotic").str.contains(r"^[A-Z]{3}$")),
        "sample_date_in_year": c("sample_date").dt.year() == c("year"),
        "procedure_date_in_year": c("procedure_date").dt.year() == c("year"),
        "ssi_depth_when_ssi": (c("ssi") == "Y") == c("ssi_depth").is_not_null(),
        "ssi_date_when_ssi": (c("ssi") == "Y") == c("ssi_date").is_not_null(),
        "ssi_date_within_followup": _when(within_followup, c("ssi_date").is_not_null()),
        "followup_complete": c("followup_days") >= pl.when(c("implant") == "Y").then(90).otherwise(30),
        "activity_volume_given": _when(c("activity_volume").is_not_null(), c("activity") != "TOTAL"),
        "hand_rub_total_consistent": (has_total | ((rubs.n_unique() == 1) & rubs.is_not_null().all())).over(
            ROW_GROUPS["hand_rub_total_consistent"]),
        "first_case_before_declared": c("first_case_on") <= c("declared_on"),
        "deaths_within_cases": c("deaths") <= c("cases"),
        "closed_on_when_closed": (c("status") == "CLOSED") == c("closed_on").is_not_null(),
        "closed_after_declared": c("closed_on") >= c("declared_on"),
        "declared_not_future": c("declared_on") <= _today(),
    }
    if "isolate_id" in dataset.column_names:
        known.update(_isolate_flags())
    if dataset.spill_share:
        known["dating_spill"] = _spill_flag(dataset)
    flags = {FLAG_PREFIX + name: known[name] for name in cross_rule_names(dataset)}
    for column in dataset.columns:
        if column.kind == p.FINESS:
            flags[f"{FLAG_PREFIX}luhn__{column.name}"] = fin.luhn_flag(column.name)
            flags[f"{FLAG_PREFIX}department__{column.name}"] = fin.known_department_flag(column.name)
        if column.kind == p.CODES:
            allowed = list(code_lists()[column.code_list])
            parts = c(column.name).str.split("|")
            flags[FLAG_PREFIX + column.name] = parts.list.eval(pl.element().is_in(allowed)).list.all()
    return flags


def derived_columns(frame: pl.DataFrame, dataset: p.Dataset) -> pl.DataFrame:
    """Columns the rules read besides the file's own: the year of each row, and the organism as resolved."""
    frame = frame.with_columns(p.row_year(dataset).alias(p.ROW_YEAR))
    if "organism" in dataset.column_names:
        code = organisms.resolve(frame["organism"])
        frame = frame.with_columns(code.alias("_organism_code"),
                                   pl.coalesce(code, pl.col("organism").str.to_uppercase()).alias("_organism"))
    return frame


def add_rule_flags(frame: pl.DataFrame, dataset: p.Dataset, counts: pl.DataFrame | None = None) -> pl.DataFrame:
    """`counts`: the whole file's `spill_counts` when `frame` is only a part of it."""
    frame = derived_columns(frame, dataset)
    if dataset.spill_share:
        frame = _with_spill_shares(frame, dataset, spill_counts(frame, dataset) if counts is None else counts)
    return frame.with_columns(expr.alias(name) for name, expr in _flag_expressions(dataset).items())

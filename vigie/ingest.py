"""Ingestion of one dataset's landed files: read, validate, pseudonymise, load, archive or quarantine.

Files are validated together in chunks (one Great Expectations run amortised over many small files),
yet every finding, status and key belongs to its own submission; a large CSV or Parquet file is a chunk of its
own, streamed in parts (vigie/parts.py). Each chunk is written in one transaction before its files leave the
landing area, so a run killed midway is simply run again. The next chunk's files are read on another thread
(vigie/read_ahead.py) while a chunk is validated and loaded.
"""

import time
from pathlib import Path
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field

import polars as pl

from quality import plausibility
from quality.quoting import MASK, quote, without_cells
from quality.validate import merge_findings, validate_batch
from quality.rules import FLAG_PREFIX, add_rule_flags
from vigie import delivery, landing, parts, protocol as p, warehouse
from vigie.crash_points import crash_point
from vigie.parsing import typed_rows
from vigie.pseudonym import check_key, pseudonymise
from vigie.reference import ddd_conventions
from vigie.limits import Limits, OverLimit
from vigie.read_ahead import read_ahead
from vigie.reading import UnreadableFile, read_submission
from vigie.settings import Settings
from vigie.submission import DUPLICATE, REJECTED, Submission, now

CHUNK_ROWS = 1_000_000
STREAM_ROWS = 500_000  # a CSV or Parquet file of more rows is streamed in parts (vigie/parts.py)


@dataclass
class IngestReport:
    dataset: str
    submissions: list[Submission] = field(default_factory=list)
    rows_loaded: int = 0
    # Where ingestion's time goes: validation, loading, and reading, the wait for files read ahead on another thread
    seconds: Counter = field(default_factory=Counter)
    undelivered: list[str] = field(default_factory=list)  # outputs that could not be written, and why (retried)
    left: list[landing.Left] = field(default_factory=list)  # entries of the dataset's folder that are not submissions

    @contextmanager
    def timed(self, stage: str):
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - started

    def by_status(self, status: str) -> list[Submission]:
        return [s for s in self.submissions if s.status == status]


def ingest_dataset(name: str, settings: Settings, log: Callable[[str], None] = lambda _: None) -> IngestReport:
    dataset = p.DATASETS[name]
    key = settings.ingestion_key()  # refused before anything is read
    settings.ensure_dirs()
    report = IngestReport(name)
    with warehouse.connect(settings.warehouse_path) as con:
        check_key(con, key)
        report.undelivered += map(str, delivery.deliver(con, settings, name))  # what an earlier run could not write
        found = landing.landed_files(settings.landing_dir, name)
        for left in found.left:
            _leave(report, left, log)
        without_rows: list[Submission] = []
        with con.cursor() as reader, closing(read_ahead(_chunks(_received(
                found.files, dataset, reader, report, without_rows, settings.limits, log)))) as chunks:
            while chunk := _timed_next(chunks, report):
                _ingest_chunk(chunk, dataset, settings, con, report, log)
        report.left.sort(key=lambda left: left.path)  # entries are left by both threads
        with report.timed("loading"):
            _finish_without_rows(without_rows, dataset, settings, con, report)
    return report


def _timed_next(chunks: Iterator[list[Submission]], report: IngestReport) -> list[Submission] | None:
    """The next chunk; the time spent waiting for it is reading's (reading the files meanwhile is not)."""
    with report.timed("reading"):
        return next(chunks, None)


def _ingest_chunk(chunk: list[Submission], dataset: p.Dataset, settings: Settings, con, report: IngestReport,
                  log: Callable[[str], None]) -> None:
    with report.timed("validation"):
        typed = _validate(chunk, dataset, con)
    with report.timed("loading"):
        report.rows_loaded += _load(chunk, typed, dataset, settings, con, report)
    log(f"{dataset.name}: {len(chunk)} files validated and stored ({report.rows_loaded:,} rows so far)")
    for sub in chunk:
        sub.text = sub.parts = None  # memory stays bounded by two chunks: this one and the one read ahead


def _received(files, dataset: p.Dataset, con, report: IngestReport, without_rows: list[Submission], limits: Limits,
              log):
    """Yields the readable new submissions one by one; duplicates (the same bytes already ingested, or twice
    in this batch), unreadable files and files over a limit go to `without_rows`. Runs on the read-ahead thread,
    with its own cursor `con`."""
    seen: dict[str, Submission] = {}
    recorded = set(con.sql("SELECT submission_id FROM raw.submissions").pl()["submission_id"])  # not a query a file
    for file in files:
        try:
            sub = Submission(file, landing.submission_id(file.path), dataset.name)
        except OSError as error:
            _leave(report, landing.Left(file.path, landing.VANISHED.format(error=error.strerror or error)), log)
            continue
        known = con.execute("SELECT stored_path, sender, n_rows, received_at FROM raw.submissions "
                            "WHERE submission_id = ?", [sub.submission_id]).fetchall() \
            if sub.submission_id in recorded else []
        if known and _finish_move(file, known[0][0], report):
            continue
        if known or sub.submission_id in seen:  # answered as the first copy was, and not read again
            first = seen.get(sub.submission_id)
            sub.duplicate_of_known = True
            sub.sender, sub.n_rows, sub.first_received = \
                known[0][1:] if known else (first.sender, first.n_rows, first.file.received_at)
        else:
            _read(sub, dataset, limits, log)
            crash_point("reading")
        if file.changed():  # written to while it was read: what was read is not what was sent
            _leave(report, landing.Left(file.path, landing.CHANGED), log)
            continue
        seen.setdefault(sub.submission_id, sub)
        report.submissions.append(sub)
        if sub.text is None and sub.parts is None:
            without_rows.append(sub)
        else:
            yield sub


def _leave(report: IngestReport, left: landing.Left, log: Callable[[str], None]) -> None:
    report.left.append(left)
    log(f"left in the landing area: {left}")


def _finish_move(file: landing.LandedFile, stored_path: str, report: IngestReport) -> bool:
    """A file processed by an earlier run that could not move it (the disk failed) goes where its fate says,
    quarantine or archive, rather than being taken for a new duplicate."""
    if Path(stored_path).exists():
        return False
    try:
        landing.move(file, Path(stored_path))
    except OSError as error:
        report.undelivered.append(f"{file.path}: {error.strerror or error}")
    return True


def _read(sub: Submission, dataset: p.Dataset, limits: Limits, log: Callable[[str], None]) -> None:
    if not landing.is_supported(sub.file.path) and sub.file.path.suffix:
        sub.reject("file.format", [], f"format {sub.file.path.suffix} non pris en charge : envoyez du CSV, du XLSX ou du Parquet")
        return
    with _refusals(sub, log):  # a large file is split even when its header will be refused: its sender is answered
        read = read_submission(sub.file.path, limits, frozenset(dataset.column_names), pieces_above=STREAM_ROWS)
        if read.pieces is not None:
            sub.parts = parts.split(read.pieces, read.rows, dataset, sub.submission_id, read.first_line)
    if sub.findings:
        return
    text = read.frame
    sub.sender = _sender(sub.parts.sender_counts if sub.parts else parts.sender_counts(text, dataset), dataset)
    missing = [c.name for c in dataset.columns if c.required and c.name not in text.columns]
    if missing:
        sub.parts = None
        sub.reject("file.required_columns", missing,
                   f"colonne(s) obligatoire(s) absente(s) de l'en-tête : {', '.join(missing)}{_where_header(read, missing)}")
        return
    sub.n_rows = sub.parts.n_rows if sub.parts else text.height
    if sub.n_rows == 0:
        sub.parts = None
        sub.reject("file.empty", [], "le fichier ne contient aucune ligne de données")
        return
    # Columns the protocol does not know may hold identifiers: named in the receipt, never stored.
    sub.extra_columns = [c for c in text.columns if c not in dataset.column_names]
    if sub.parts is None:
        sub.text = parts.numbered(text, dataset, sub.submission_id, read.first_line)
    codes = sub.parts.atc_codes if sub.parts else parts.atc_codes(sub.text)
    sub.notes = [note for code, note in sorted(ddd_conventions().items()) if code in codes]


@contextmanager
def _refusals(sub: Submission, log: Callable[[str], None]):
    """A file over a limit, or that cannot be read, is rejected with the reason; the run goes on."""
    try:
        yield
    except OverLimit as error:
        log(f"{sub.file.name}: over a limit ({error})")
        sub.reject("file.limits", [], str(error))
    except UnreadableFile as error:
        log(f"{sub.file.name}: unreadable ({error.detail or error})")
        sub.reject("file.readable", [], f"fichier illisible : {error}")
    except Exception as error:  # whatever a malformed file does to a reader, it must not stop the others
        log(f"{sub.file.name}: unreadable ({type(error).__name__}: {without_cells(str(error))})")
        sub.reject("file.readable", [], "fichier illisible : son contenu ne correspond pas à son format (CSV, XLSX ou "
                                        "Parquet) ; enregistrez-le de nouveau depuis votre logiciel et renvoyez-le")


HEADER_SEARCH_ROWS = 10


def _where_header(read, missing: list[str]) -> str:
    """Where the header is when it is not on the first line (a title above it), and which sheet was read."""
    wanted = set(missing)
    for index, row in enumerate(read.frame.head(HEADER_SEARCH_ROWS).iter_rows()):
        if wanted <= {str(cell).strip().lower() for cell in row if cell is not None}:
            return (f" ; l'en-tête doit être la première ligne{' de la feuille' if read.sheet else ''}, or il est à la "
                    f"ligne {read.first_line + index} : supprimez les lignes au-dessus")
    if read.sheet is not None:
        return f" (seule la première feuille du classeur est lue : « {read.sheet} »)"
    return ""


def _sender(counts: pl.DataFrame | None, dataset: p.Dataset) -> str:
    """Whom the receipt answers: the establishment or laboratory its rows name most often."""
    if not dataset.sender_column:
        return dataset.default_sender
    if counts is None:
        return "inconnu"
    sender = quote(counts[0, 0], dataset, dataset.sender_column) if counts.height else MASK
    return "inconnu" if sender == MASK else landing.safe_name(sender)  # an identifier shifted in names no one


def _chunks(pending: Iterable[Submission]) -> Iterator[list[Submission]]:
    """Small files together, up to CHUNK_ROWS rows; a file read in parts alone."""
    chunk, rows = [], 0
    for sub in pending:
        if chunk and (sub.parts or rows + sub.n_rows > CHUNK_ROWS):
            yield chunk
            chunk, rows = [], 0
        chunk.append(sub)
        rows += sub.n_rows
        if sub.parts:
            yield chunk
            chunk, rows = [], 0
    if chunk:
        yield chunk


def _typed(text: pl.DataFrame, dataset: p.Dataset, counts: pl.DataFrame | None = None) -> pl.DataFrame:
    return add_rule_flags(typed_rows(text, dataset), dataset, counts)


def _texts(chunk: list[Submission]) -> Iterator[pl.DataFrame]:
    if chunk[0].parts:
        yield from chunk[0].parts.frames()
    else:
        yield pl.concat([s.text for s in chunk], how="diagonal_relaxed")


def _typed_parts(chunk: list[Submission], dataset: p.Dataset) -> Iterator[tuple[pl.DataFrame, pl.DataFrame]]:
    """The chunk's rows as text and typed: at once, or a part of a file read in parts at a time."""
    counts = chunk[0].parts.spill_counts if chunk[0].parts else None
    for text in _texts(chunk):
        yield text, _typed(text, dataset, counts)


def _validate(chunk: list[Submission], dataset: p.Dataset, con) -> Iterable[pl.DataFrame]:
    """Attaches findings to each submission of the chunk; returns the chunk's typed rows, as one frame or (a file
    read in parts) a part at a time, typed again."""
    findings, plausibility_findings = [], []
    for text, typed in _typed_parts(chunk, dataset):
        part_findings = validate_batch(typed, text, dataset)
        if dataset.name == "spares_consumption":
            rejected = {f.submission_id for f in part_findings if f.is_critical}
            plausibility_findings += plausibility.check_consumption(
                typed.filter(~pl.col("_submission_id").is_in(rejected)), con)
        findings += part_findings
    by_id = {s.submission_id: s for s in chunk}
    for finding in merge_findings(findings) + plausibility_findings:
        by_id[finding.submission_id].findings.append(finding)
    return (typed for _, typed in _typed_parts(chunk, dataset)) if chunk[0].parts else [typed]


def _canonical_rows(typed: pl.DataFrame, subs: list[Submission], dataset: p.Dataset, settings: Settings) -> pl.DataFrame:
    """The rows to store: those of the accepted submissions, less a dating spill (its year keeps its earlier data)."""
    loaded = pl.col("_submission_id").is_in([s.submission_id for s in subs])
    spill = f"{FLAG_PREFIX}dating_spill"
    kept = loaded & pl.col(spill) if spill in typed.columns else loaded
    typed = typed.filter(kept).select(*dataset.column_names, "_submission_id", "_line", p.ROW_YEAR)
    patient = next((c.name for c in dataset.columns if c.pseudonymised), None)
    if patient:
        typed = pseudonymise(typed, settings.pseudonym_key, dataset.sender_column, patient)
    key_parts = [pl.col(k).cast(pl.String).fill_null("") for k in dataset.key]
    return typed.with_columns(pl.concat_str(key_parts, separator="|").alias("_key"))


def _next_seq(con) -> int:
    return con.execute("SELECT coalesce(max(ingest_seq), 0) FROM raw.submissions").fetchall()[0][0] + 1


def _load(chunk: list[Submission], typed_frames: Iterable[pl.DataFrame], dataset: p.Dataset, settings: Settings, con,
          report: IngestReport) -> int:
    """The accepted rows of the chunk and the chunk's fate, in one transaction."""
    loaded = [s for s in chunk if s.is_loaded]
    n_rows, keys = 0, []
    with warehouse.transaction(con):
        _assign(chunk, settings, con)
        for typed in typed_frames if loaded else []:
            rows = _canonical_rows(typed, loaded, dataset, settings)
            con.register("incoming_rows", rows.to_arrow())
            con.execute(f"INSERT INTO {warehouse.raw_table(dataset)} BY NAME SELECT * FROM incoming_rows")
            con.unregister("incoming_rows")
            keys.append(rows.group_by("_submission_id", "_key").len("n_rows"))
            n_rows += rows.height
        if keys:
            _record_keys(loaded, pl.concat(keys).group_by("_submission_id", "_key").agg(pl.col("n_rows").sum()),
                         dataset, con)
        _record(chunk, dataset, settings, con)
    crash_point("after_chunk_insert")
    _store_files(chunk, dataset, settings, con, report)
    return n_rows


def _assign(subs: list[Submission], settings: Settings, con) -> None:
    """Gives each submission its order of arrival and where its file will be kept."""
    seq = _next_seq(con)
    for sub in subs:
        if sub.status != DUPLICATE:
            sub.ingest_seq, seq = seq, seq + 1
        folder = settings.quarantine_dir if sub.status == REJECTED else settings.archive_dir
        sub.stored_path = str(landing.stored_path(folder, sub.dataset, sub.submission_id, sub.file))


def _record_keys(loaded: list[Submission], key_rows: pl.DataFrame, dataset: p.Dataset, con) -> None:
    """A later submission supersedes, key by key, the current one; history stays in raw tables. `key_rows`: the
    rows of each submission and key."""
    seqs = pl.DataFrame({"_submission_id": [s.submission_id for s in loaded], "ingest_seq": [s.ingest_seq for s in loaded]})
    keys = key_rows.join(seqs, on="_submission_id")
    con.register("incoming_keys", keys.to_arrow())
    con.execute("""
        UPDATE raw.submission_keys AS k SET superseded_by = i._submission_id
        FROM (SELECT _key, arg_max(_submission_id, ingest_seq) AS _submission_id FROM incoming_keys GROUP BY _key) AS i
        WHERE k.dataset = ? AND k.key_value = i._key AND k.superseded_by IS NULL
    """, [dataset.name])
    con.execute("""
        INSERT INTO raw.submission_keys
        SELECT _submission_id, ?, _key, ingest_seq, n_rows,
               CASE WHEN ingest_seq < max(ingest_seq) OVER (PARTITION BY _key)
                    THEN arg_max(_submission_id, ingest_seq) OVER (PARTITION BY _key) END
        FROM incoming_keys
    """, [dataset.name])
    superseded = con.execute("""
        SELECT key_value, submission_id, superseded_by FROM raw.submission_keys
        WHERE dataset = ? AND superseded_by IN (SELECT _submission_id FROM incoming_keys)
    """, [dataset.name]).fetchall()
    con.unregister("incoming_keys")
    by_id = {s.submission_id: s for s in loaded}
    for key, earlier, later in superseded:
        by_id[later].superseded.append((key, earlier))


def _record(subs: list[Submission], dataset: p.Dataset, settings: Settings, con) -> None:
    stamp = now()
    receipts = [[s.submission_id, dataset.name, s.file.name, s.file.received_at, stamp, s.status] for s in subs]
    warehouse.insert_rows(con, "raw.receipts", receipts)
    processed = [s for s in subs if s.status != DUPLICATE]
    delivery.record(con, subs, settings)  # duplicates are answered too
    if not processed:
        return
    warehouse.insert_rows(con, "raw.submissions", [
        [s.submission_id, dataset.name, s.file.name, s.sender, s.file.received_at, stamp, s.ingest_seq,
         s.status, s.n_rows, s.count("critical"), s.count("warning"), s.extra_columns, s.stored_path]
        for s in processed
    ])
    findings = [
        [s.submission_id, dataset.name, s.file.name, s.sender, f.rule_id, f.column, f.severity,
         f.message, f.n_failing, f.lines, f.values, stamp]
        for s in processed for f in s.findings
    ]
    warehouse.insert_rows(con, "quality.validation_results", findings)


def _store_files(subs: list[Submission], dataset: p.Dataset, settings: Settings, con, report: IngestReport) -> None:
    """Moves the files where their recorded fate says, then writes the receipts; what fails is retried by the next
    run (a file left in the landing area, a receipt kept pending in the warehouse)."""
    for sub in subs:
        folder = settings.quarantine_dir if sub.status == REJECTED else settings.archive_dir
        if sub.file.changed():  # rewritten since it was read: its new bytes are a new submission for the next run
            report.left.append(landing.Left(sub.file.path, landing.CHANGED))
            continue
        try:
            landing.store(sub.file, folder, dataset.name, sub.submission_id)
            crash_point("after_file_moved")
        except OSError as error:
            report.undelivered.append(f"{sub.file.path}: {error.strerror or error}")
    report.undelivered += map(str, delivery.deliver(con, settings, dataset.name))


def _finish_without_rows(subs: list[Submission], dataset: p.Dataset, settings: Settings, con,
                         report: IngestReport) -> None:
    """Duplicates and files rejected before validation: recorded, stored, answered."""
    if not subs:
        return
    with warehouse.transaction(con):
        _assign(subs, settings, con)
        _record(subs, dataset, settings, con)
    _store_files(subs, dataset, settings, con, report)

"""Convert many records in parallel processes, resumably, with a SQLite ledger and a report.

The library yields one :class:`Outcome` per input as it completes; the CLI draws the progress.
converted + failed + skipped always equals the number of inputs.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import operator
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .draft import citation_of, figure_url, pfocr_url
from .errors import ConverterError
from .gpml import open_atomic, write_bytes_atomic
from .pipeline import LEDGER_NAME, ConvertOptions, draft_gpml, output_path
from .records import read_record, record_files
from .render import render_svg

__all__ = [
    "LEDGER_NAME",
    "LedgerFigures",
    "Outcome",
    "iter_sources",
    "read_outcomes",
    "report_figures",
    "report_header",
    "run_batch",
    "write_reports",
]

PREVIEWS = "previews"
REPORT_JSON = "report.json"
REPORT_TSV = "report.tsv"
CHUNK = 32  # records per task sent to a worker
IN_FLIGHT = 4  # chunks queued per worker: bounds memory whatever the corpus size
COMMIT_EVERY = 0.5  # seconds between ledger commits: a kill loses at most this much bookkeeping


@dataclass(frozen=True)
class Outcome:
    """What became of one input; also one ledger row."""

    source: str
    status: str  # converted | failed | skipped
    figid: str = ""
    error: str = ""
    input_sha256: str = ""
    output_sha256: str = ""
    output: str = ""
    title: str = ""
    organism: str = ""
    genes: int = 0
    chemicals: int = 0
    diseases: int = 0
    mapped: int = 0
    unmapped: int = 0
    unmapped_terms: str = ""
    validation: str = ""
    warnings: int = 0
    pfocr_url: str = ""
    paper_url: str = ""
    seconds: float = 0.0
    literature: str = ""  # the reference as DATABASE:ID
    warning_texts: str = ""


_COLUMNS = [f.name for f in fields(Outcome)]


def iter_sources(source: str, stdin: TextIO | None = None) -> Iterator[Path]:
    """Record paths from a pfocr-database checkout, a folder of records, a list file, or ``-`` (stdin)."""
    if source == "-":
        yield from _listed(stdin if stdin is not None else ())
        return
    path = Path(source)
    if path.is_dir():
        yield from record_files(path)
    else:
        with path.open(encoding="utf-8") as listing:
            yield from _listed(listing)


def _listed(lines: Iterable[str]) -> Iterator[Path]:
    """Paths from a listing: one a line; blank lines and ``#`` comments skipped."""
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            yield Path(text)


def _input_hash(record_sha256: str, fingerprint: bytes) -> str:
    """What a conversion depends on: options and tool version, the record's bytes and its tables'."""
    return hashlib.sha256(fingerprint + record_sha256.encode()).hexdigest()


# --- the worker side -------------------------------------------------------------------------------

_worker_state: dict[str, Any] = {}


_PREVIOUS = "SELECT input_sha256, output_sha256, output FROM figures WHERE source = ? AND status != 'failed'"


def _init_worker(
    outdir: Path, options: ConvertOptions, fingerprint: bytes, previews: bool, resume: bool
) -> None:
    _worker_state.update(outdir=outdir, options=options, fingerprint=fingerprint)
    _worker_state["previews"] = os.path.join(outdir, PREVIEWS) if previews else ""
    # With --resume, each worker looks up the last good conversion of its records in the ledger itself
    # (read-only, WAL: the main process writes meanwhile), so no process holds the whole ledger in memory.
    ledger = (outdir / LEDGER_NAME).resolve()
    _worker_state["previous"] = sqlite3.connect(f"{ledger.as_uri()}?mode=ro", uri=True) if resume else None


def _close_worker() -> None:
    if (previous := _worker_state.pop("previous", None)) is not None:
        previous.close()


def _convert_chunk(sources: list[str]) -> list[Outcome]:
    return [_convert_one(source) for source in sources]


def _previous_conversion(source: str) -> tuple[str, str, str]:
    """(input hash, output hash, output name) of the source's last good conversion, or blanks."""
    previous: sqlite3.Connection | None = _worker_state["previous"]
    row = previous.execute(_PREVIOUS, (source,)).fetchone() if previous is not None else None
    return row or ("", "", "")


def _convert_one(source: str) -> Outcome:
    """Convert one record in a worker; never raises (a failure is an Outcome)."""
    started = time.perf_counter()
    outdir: Path = _worker_state["outdir"]
    path = Path(source)
    try:
        record = read_record(path)
        input_sha = _input_hash(record.sha256, _worker_state["fingerprint"])
        target = output_path(outdir, record.figid)
        old_input, old_output, old_name = _previous_conversion(source)
        if old_input == input_sha and old_name == target.name and _intact(target, old_output):
            return Outcome(source, "skipped", record.figid, input_sha256=input_sha, output_sha256=old_output)
        draft = draft_gpml(record, _worker_state["options"])
        write_bytes_atomic(draft.data, target)
        if previews := _worker_state["previews"]:
            write_bytes_atomic(render_svg(draft.tree), os.path.join(previews, f"{record.figid}.svg"))
    except (ConverterError, OSError, ValueError) as exc:
        message = str(exc) if str(exc).startswith(source) else f"{source}: {exc}"
        return Outcome(source, "failed", error=message, seconds=time.perf_counter() - started)
    except Exception as exc:  # a worker is a boundary too: one record's bug must not stop the others
        message = f"{source}: unexpected {type(exc).__name__}: {exc}"
        return Outcome(source, "failed", error=message, seconds=time.perf_counter() - started)
    return Outcome(
        source,
        "converted",
        record.figid,
        input_sha256=input_sha,
        output_sha256=hashlib.sha256(draft.data).hexdigest(),
        output=target.name,
        title=record.title or record.paper_title,
        organism=draft.mapping.organism,
        genes=len(draft.mapping.genes),
        chemicals=len(draft.mapping.chemicals),
        diseases=len(draft.mapping.diseases),
        mapped=draft.mapping.mapped_count,
        unmapped=len(draft.mapping.unmapped),
        unmapped_terms="; ".join(f"{u.word}: {u.reason}" for u in draft.mapping.unmapped),
        validation="warnings" if draft.warnings else "valid",
        warnings=len(draft.warnings),
        literature=f"{cite.database}:{cite.id}" if (cite := citation_of(record)) else "",
        warning_texts="; ".join(f"{w.rule}: {w.message}" for w in draft.warnings),
        pfocr_url=pfocr_url(record.figid),
        paper_url=f"https://doi.org/{record.doi}" if record.doi else figure_url(record),
        seconds=time.perf_counter() - started,
    )


def _intact(path: Path, sha256: str) -> bool:
    try:
        return bool(sha256) and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


# --- the ledger ------------------------------------------------------------------------------------

_SQL_TYPES = {"int": "INTEGER", "float": "REAL", "str": "TEXT"}  # Outcome's annotations, as text
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS figures (
    {", ".join(f"{f.name} {_SQL_TYPES[str(f.type)]}" for f in fields(Outcome) if f.name != "source")},
    source TEXT NOT NULL,
    run TEXT NOT NULL,
    PRIMARY KEY (source)
);
CREATE INDEX IF NOT EXISTS figures_run ON figures (run);
"""


def open_ledger(outdir: Path) -> sqlite3.Connection:
    """The run ledger inside OUTDIR (created on first use), in WAL mode."""
    outdir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(outdir / LEDGER_NAME)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    # A ledger written by an older version lacks the newer columns: add them, empty.
    present = {row[1] for row in db.execute("PRAGMA table_info(figures)")}
    for f in fields(Outcome):
        if f.name not in present:
            db.execute(f"ALTER TABLE figures ADD COLUMN {f.name} {_SQL_TYPES[str(f.type)]}")
    return db


_values = operator.attrgetter(*_COLUMNS)
_INSERT = (
    f"INSERT OR REPLACE INTO figures ({', '.join(_COLUMNS)}, run)"
    f" VALUES ({', '.join('?' for _ in _COLUMNS)}, ?)"
)


def _record(db: sqlite3.Connection, outcomes: list[Outcome], run: str) -> None:
    """Write a chunk's outcomes to the ledger (one statement each kind, not one per row)."""
    # A skipped figure keeps the details of the conversion that made its file; only the run changes.
    skipped = [(run, o.source) for o in outcomes if o.status == "skipped"]
    done = [(*_values(o), run) for o in outcomes if o.status != "skipped"]
    if skipped:
        db.executemany("UPDATE figures SET status = 'skipped', run = ? WHERE source = ?", skipped)
    if done:
        db.executemany(_INSERT, done)


def _clean_temporary_files(outdir: Path) -> None:
    """Remove temporary files a killed run left behind (they never carry a final name)."""
    for folder in (outdir, outdir / PREVIEWS):
        for leftover in folder.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)


# --- the run ---------------------------------------------------------------------------------------


def run_batch(
    sources: Iterable[Path],
    outdir: Path,
    options: ConvertOptions | None = None,
    workers: int = 0,
    resume: bool = False,
    previews: bool = True,
) -> Iterator[Outcome]:
    """Convert every source into OUTDIR with ``workers`` processes (0: one per core), yielding outcomes.

    With ``resume``, a record whose input, tables and options are unchanged and whose output is
    present and intact is skipped. With ``previews``, an SVG of each draft goes to ``OUTDIR/previews/``.
    The ledger is committed every few seconds, so a killed run loses
    at most that much bookkeeping, never a file.
    """
    options = options or ConvertOptions()
    workers = workers or os.cpu_count() or 1
    fingerprint = (
        f"{__version__}|{options.organism}|{options.draft.authors}|{options.draft.last_modified}\n".encode()
    )
    outdir.mkdir(parents=True, exist_ok=True)
    if previews:
        (outdir / PREVIEWS).mkdir(exist_ok=True)
    _clean_temporary_files(outdir)
    db = open_ledger(outdir)
    run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    db.execute("CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, started TEXT)")
    db.execute("DELETE FROM runs")
    db.execute("INSERT INTO runs VALUES (?, ?)", (run, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())))
    db.commit()

    try:
        init = (outdir, options, fingerprint, previews, resume)
        yield from _run_pool(map(str, sources), init, workers, db, run)
    finally:
        db.commit()
        db.close()


def _chunks(tasks: Iterator[str], gate: threading.Semaphore) -> Iterator[list[str]]:
    chunk: list[str] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == CHUNK:
            gate.acquire()
            yield chunk
            chunk = []
    if chunk:
        gate.acquire()
        yield chunk


def _run_pool(
    tasks: Iterator[str],
    init: tuple[Path, ConvertOptions, bytes, bool, bool],
    workers: int,
    db: sqlite3.Connection,
    run: str,
) -> Iterator[Outcome]:
    seen: dict[str, str] = {}
    last_commit = time.monotonic()
    if workers == 1:
        _init_worker(*init)
        results: Iterable[list[Outcome]] = (
            _convert_chunk(c) for c in _chunks(tasks, threading.Semaphore(10**9))
        )
        pool = None
    else:
        # The task feeder runs in a thread of the pool; the semaphore keeps it a few chunks ahead.
        gate = threading.Semaphore(workers * IN_FLIGHT)
        pool = multiprocessing.get_context("fork").Pool(workers, _init_worker, init)
        results = _released(pool.imap_unordered(_convert_chunk, _chunks(tasks, gate)), gate)
    try:
        for chunk in results:
            outcomes = [_check_duplicate(outcome, seen) for outcome in chunk]
            _record(db, outcomes, run)
            yield from outcomes
            if time.monotonic() - last_commit > COMMIT_EVERY:
                db.commit()
                last_commit = time.monotonic()
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
        else:
            _close_worker()


def _released(results: Iterator[list[Outcome]], gate: threading.Semaphore) -> Iterator[list[Outcome]]:
    for chunk in results:
        gate.release()
        yield chunk


def _check_duplicate(outcome: Outcome, seen: dict[str, str]) -> Outcome:
    """Two inputs with one figid would share one output file: the second is a failure, said so."""
    if outcome.status == "failed" or not outcome.figid:
        return outcome
    first = seen.setdefault(outcome.figid, outcome.source)
    if first == outcome.source:
        return outcome
    error = f"{outcome.source}: figid {outcome.figid} also comes from {first}; the draft holds the last one"
    return Outcome(outcome.source, "failed", outcome.figid, error=error)


# --- reports ---------------------------------------------------------------------------------------


def _latest_rows(outdir: Path) -> Iterator[tuple[Any, ...]]:
    """The ledger rows (in ``_COLUMNS`` order) of the latest run, in source order."""
    db = open_ledger(outdir)
    try:
        run = db.execute("SELECT run FROM runs").fetchone()
        if run is None:
            return
        query = f"SELECT {', '.join(_COLUMNS)} FROM figures WHERE run = ? ORDER BY source"
        yield from db.execute(query, run)
    finally:
        db.close()


def read_outcomes(outdir: Path) -> Iterator[Outcome]:
    """The ledger rows of the latest run, in source order."""
    return (Outcome(*row) for row in _latest_rows(outdir))


class LedgerFigures:
    """The latest run's figures as report entries, read anew from the ledger each time it is iterated.

    The HTML report reads its figures twice (counts, then rows); this lets it without holding them.
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return report_figures(self.outdir)


TSV_COLUMNS = (
    "figid",
    "status",
    "organism",
    "genes",
    "chemicals",
    "diseases",
    "mapped",
    "unmapped",
    "validation",
    "warnings",
    "literature",
    "output",
    "error",
    "source",
    "unmapped_terms",
    "warning_texts",
)


def report_figures(outdir: Path) -> Iterator[dict[str, Any]]:
    """The latest run's figures as report entries, streamed from the ledger (flat memory at any size)."""
    try:
        with os.scandir(outdir / PREVIEWS) as entries:
            drawn = {entry.name for entry in entries}
    except FileNotFoundError:
        drawn = set()
    for row in _latest_rows(outdir):
        entry = dict(zip(_COLUMNS, row, strict=True))
        preview = f"{entry['figid']}.svg"
        entry["preview"] = f"{PREVIEWS}/{preview}" if entry["figid"] and preview in drawn else ""
        yield entry


def report_header(totals: dict[str, Any], source: str) -> dict[str, Any]:
    """The head of a run's reports: tool, source, when it finished, and its totals."""
    finished = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {"tool": f"pfocr2gpml {__version__}", "source": source, "finished": finished, "totals": totals}


def write_reports(outdir: Path, header: dict[str, Any]) -> None:
    """Write ``report.json`` (the header, then the figures) and ``report.tsv`` for the latest run, figure
    by figure; the figures are ``report_figures``."""
    with open_atomic(outdir / REPORT_JSON) as report, open_atomic(outdir / REPORT_TSV) as table:
        report.write(json.dumps(header, ensure_ascii=False)[:-1].encode() + b', "figures": [')
        table.write(("\t".join(TSV_COLUMNS) + "\n").encode())
        for n, entry in enumerate(report_figures(outdir)):
            report.write(b",\n" if n else b"\n")
            report.write(json.dumps(entry, ensure_ascii=False).encode())
            cells = (str(entry[c]).replace("\t", " ").replace("\n", " ") for c in TSV_COLUMNS)
            table.write(("\t".join(cells) + "\n").encode())
        report.write(b"\n]}\n")

"""Convert many records in parallel processes, resumably, recording each in the ledger.

The library yields one :class:`~converter.batch.ledger.Outcome` per input as it completes; the CLI draws
the progress. converted + failed + skipped always equals the number of inputs.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .. import __version__, links
from ..errors import ConverterError
from ..files import remove_leftovers, write_atomic
from ..pipeline import Conversion, ConvertOptions, convert, output_path
from ..records import read_record
from ..render import render_svg
from . import ledger
from .ledger import Outcome

__all__ = ["PREVIEWS", "Outcome", "run_batch"]

#: The folder of OUTDIR that holds the SVG previews, ``<figid>.svg``.
PREVIEWS = "previews"
CHUNK = 32  # records per task sent to a worker
IN_FLIGHT = 4  # chunks queued per worker: bounds memory whatever the corpus size
COMMIT_EVERY = 0.5  # seconds between ledger commits: a kill loses at most this much bookkeeping


def _input_hash(record_sha256: str, fingerprint: bytes) -> str:
    """What a conversion depends on: options and tool version, the record's bytes and its tables'."""
    return hashlib.sha256(fingerprint + record_sha256.encode()).hexdigest()


# --- the worker side -------------------------------------------------------------------------------

_worker_state: dict[str, Any] = {}


def _init_worker(
    outdir: Path, options: ConvertOptions, fingerprint: bytes, previews: bool, resume: bool
) -> None:
    _worker_state.update(outdir=outdir, options=options, fingerprint=fingerprint)
    _worker_state["previews"] = os.path.join(outdir, PREVIEWS) if previews else ""
    # With --resume, each worker looks up the last good conversion of its records in the ledger itself
    # (read-only, WAL: the main process writes meanwhile), so no process holds the whole ledger in memory.
    _worker_state["previous"] = ledger.read_only(outdir) if resume else None


def _close_worker() -> None:
    if (previous := _worker_state.pop("previous", None)) is not None:
        previous.close()


def _convert_chunk(sources: list[str]) -> list[Outcome]:
    return [_convert_one(source) for source in sources]


def _convert_one(source: str) -> Outcome:
    """Convert one record in a worker; never raises (a failure is an Outcome)."""
    started = time.perf_counter()
    outdir: Path = _worker_state["outdir"]
    try:
        record = read_record(Path(source))
        input_sha = _input_hash(record.sha256, _worker_state["fingerprint"])
        target = output_path(outdir, record.figid)
        before = ledger.previous(_worker_state["previous"], source)
        if (
            before
            and (before.input_sha256, before.output) == (input_sha, target.name)
            and _intact(target, before)
        ):
            kept = before.output_sha256
            return Outcome(source, "skipped", record.figid, input_sha256=input_sha, output_sha256=kept)
        conversion = convert(record, outdir, _worker_state["options"])
        if previews := _worker_state["previews"]:
            write_atomic(os.path.join(previews, f"{record.figid}.svg"), render_svg(conversion.tree))
    except (ConverterError, OSError, ValueError) as exc:
        message = str(exc) if str(exc).startswith(source) else f"{source}: {exc}"
        return Outcome(source, "failed", error=message, seconds=time.perf_counter() - started)
    except Exception as exc:  # a worker is a boundary too: one record's bug must not stop the others
        message = f"{source}: unexpected {type(exc).__name__}: {exc}"
        return Outcome(source, "failed", error=message, seconds=time.perf_counter() - started)
    return _converted(source, conversion, input_sha, time.perf_counter() - started)


def _converted(source: str, conversion: Conversion, input_sha: str, seconds: float) -> Outcome:
    """The ledger row of a conversion."""
    citation = conversion.citation
    return Outcome(
        source,
        "converted",
        conversion.figid,
        input_sha256=input_sha,
        output_sha256=conversion.sha256,
        output=conversion.output.name,
        title=conversion.title,
        organism=conversion.organism,
        genes=conversion.genes,
        chemicals=conversion.chemicals,
        diseases=conversion.diseases,
        mapped=conversion.mapped,
        unmapped=len(conversion.unmapped),
        unmapped_terms="; ".join(f"{u.word}: {u.reason}" for u in conversion.unmapped),
        validation="warnings" if conversion.warnings else "valid",
        warnings=len(conversion.warnings),
        pfocr_url=links.pfocr_figure(conversion.figid),
        paper_url=conversion.paper_url,
        seconds=seconds,
        literature=f"{citation.database}:{citation.id}" if citation else "",
        warning_texts="; ".join(f"{w.rule}: {w.message}" for w in conversion.warnings),
    )


def _intact(path: Path, previous: ledger.Previous) -> bool:
    """Whether the file is still the one the previous conversion wrote."""
    try:
        return (
            bool(previous.output_sha256)
            and hashlib.sha256(path.read_bytes()).hexdigest() == previous.output_sha256
        )
    except OSError:
        return False


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
    The ledger is committed every half second, so a killed run loses at most that much bookkeeping,
    never a file.
    """
    options = options or ConvertOptions()
    workers = workers or os.cpu_count() or 1
    fingerprint = (
        f"{__version__}|{options.organism}|{options.draft.authors}|{options.draft.last_modified}\n".encode()
    )
    outdir.mkdir(parents=True, exist_ok=True)
    if previews:
        (outdir / PREVIEWS).mkdir(exist_ok=True)
    for folder in (outdir, outdir / PREVIEWS):
        remove_leftovers(folder)
    db = ledger.open_ledger(outdir)
    run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
    ledger.start_run(db, run, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
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
            ledger.record_outcomes(db, outcomes, run)
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

"""Convert many records in parallel processes, resumably, recording each in the ledger.

Workers read, draft and validate records and write each draft (and its preview) under a temporary name;
the main process takes the results in input order, puts files in place, and records them. So a figid that
two inputs give is decided before any file of it is written (the first input wins, the later one fails),
the ledger and the files always agree, and an interrupted run stops within a chunk's time with everything
finished recorded. The library yields one :class:`~converter.batch.ledger.Outcome` per input; the CLI draws
the progress. converted + failed + skipped equals the number of inputs taken in.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import sqlite3
import time
from collections.abc import Generator, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from .. import __version__, links
from ..defaults import DEFAULT_RELATED_TOP, PREVIEWS
from ..errors import ConverterError
from ..files import commit, discard, remove_leftovers, stage
from ..gene_info import stored_tables
from ..pipeline import (
    Conversion,
    ConvertOptions,
    conversion_of,
    draft_record,
    output_path,
    second_of_figid,
)
from ..records import read_record
from ..related import RelatedIndex, pathway_gene_set, rank_gene_set
from ..render import render_pathway, render_svg
from ..workers import pooled_chunks, usable_cpus
from . import ledger
from .ledger import Outcome

__all__ = ["PREVIEWS", "Outcome", "run_batch"]

CHUNK = 32  # records per task sent to a worker
COMMIT_EVERY = 0.5  # seconds between ledger commits: a kill loses at most this much bookkeeping


class _Done(NamedTuple):
    """A worker's result for one input: its outcome and the files it staged (temporary name, final path)."""

    outcome: Outcome
    staged: tuple[tuple[str, str], ...] = ()


#: What a worker starts from: OUTDIR, the options, their fingerprint, whether to draw previews, resume.
_Init = tuple[Path, ConvertOptions, bytes, bool, bool]


def _input_hash(record_sha256: str, fingerprint: bytes) -> str:
    """What a conversion depends on: options and tool version, the record's bytes and its tables'."""
    return hashlib.sha256(fingerprint + record_sha256.encode()).hexdigest()


# --- the worker side -------------------------------------------------------------------------------

_worker_state: dict[str, Any] = {}


def _init_worker(
    outdir: Path,
    options: ConvertOptions,
    fingerprint: bytes,
    previews: bool,
    resume: bool,
) -> None:
    _worker_state.update(outdir=outdir, options=options, fingerprint=fingerprint)
    _worker_state["previews"] = os.path.join(outdir, PREVIEWS) if previews else ""
    # With --resume, each worker looks up the last good conversion of its records in the ledger itself
    # (read-only, WAL: the main process writes meanwhile), so no process holds the whole ledger in memory.
    _worker_state["previous"] = ledger.read_only(outdir) if resume else None


def _close_worker() -> None:
    if (previous := _worker_state.pop("previous", None)) is not None:
        previous.close()


def _convert_chunk(sources: list[str]) -> list[_Done]:
    return [_convert_one(source) for source in sources]


def _convert_one(source: str) -> _Done:
    """Convert one record in a worker, staging its files; never raises (a failure is an Outcome)."""
    started = time.perf_counter()
    outdir: Path = _worker_state["outdir"]
    staged: list[tuple[str, str]] = []
    try:
        record = read_record(Path(source))
        fingerprint: bytes = _worker_state["fingerprint"]
        if (online := _worker_state["options"].online) is not None:  # the answers its draft may take
            fingerprint += online.digest(record.keywords, record.pmcid).encode()
        input_sha = _input_hash(record.sha256, fingerprint)
        target = output_path(outdir, record.figid)
        preview = (
            os.path.join(_worker_state["previews"], f"{record.figid}.svg")
            if _worker_state["previews"]
            else ""
        )
        before = ledger.previous(_worker_state["previous"], record.figid)
        if (
            before
            and (before.input_sha256, before.output) == (input_sha, target.name)
            and _intact(target, before.output_sha256)
        ):
            drawn = before.preview_sha256
            if preview and not _intact(Path(preview), drawn):  # deleted or changed since: draw it again
                svg = render_svg(target)
                staged.append((stage(preview, svg), preview))
                drawn = hashlib.sha256(svg).hexdigest()
            # The conversion that made the draft, as recorded: the reports show what the draft holds.
            outcome = replace(before, source=source, status="skipped", preview_sha256=drawn)
            return _Done(outcome, tuple(staged))
        draft = draft_record(record, _worker_state["options"])
        staged.append((stage(target, draft.data), str(target)))
        drawn = ""
        if preview:
            svg = render_pathway(draft.pathway)
            staged.append((stage(preview, svg), preview))
            drawn = hashlib.sha256(svg).hexdigest()
        conversion = conversion_of(record, draft, target)
    except (ConverterError, OSError, ValueError) as exc:
        for tmp, _ in staged:
            discard(tmp)
        message = str(exc) if str(exc).startswith(source) else f"{source}: {exc}"
        return _Done(Outcome(source, "failed", error=message, seconds=time.perf_counter() - started))
    except Exception as exc:  # a worker is a boundary too: one record's bug must not stop the others
        for tmp, _ in staged:
            discard(tmp)
        message = f"{source}: unexpected {type(exc).__name__}: {exc}"
        return _Done(Outcome(source, "failed", error=message, seconds=time.perf_counter() - started))
    outcome = _converted(source, conversion, input_sha, drawn, time.perf_counter() - started)
    if (index := _worker_state.get("related")) is not None:
        outcome = _with_related(outcome, conversion, index)
    return _Done(outcome, tuple(staged))


def _with_related(outcome: Outcome, conversion: Conversion, index: RelatedIndex) -> Outcome:
    """The outcome with the WikiPathways pathways that share the draft's genes, best first."""
    genes = pathway_gene_set(conversion.pathway, conversion.figid)
    ranking = rank_gene_set(genes, index, DEFAULT_RELATED_TOP)
    # Rounded: the ledger and the reports keep what a reader needs, not every digit.
    matches = [
        m.summary() | {"jaccard": round(m.jaccard, 4), "p_value": _p(m.p_value)} for m in ranking.matches
    ]
    best_p = ranking.matches[0].p_value if ranking.matches else 1.0  # matches are ranked by p first
    share = max((len(m.shared) / ranking.genes for m in ranking.matches), default=0.0)
    related = json.dumps(matches, separators=(",", ":"), ensure_ascii=False)
    return replace(outcome, related=related, best_p_value=_p(best_p), best_share=round(share, 4))


def _p(value: float) -> float:
    return float(f"{value:.3g}")


def _converted(
    source: str, conversion: Conversion, input_sha: str, preview_sha: str, seconds: float
) -> Outcome:
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
        preview_sha256=preview_sha,
    )


def _intact(path: Path, sha256: str) -> bool:
    """Whether the file holds exactly what a conversion wrote (its hash recorded in the ledger)."""
    try:
        return bool(sha256) and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


# --- the run ---------------------------------------------------------------------------------------


def run_batch(
    sources: Iterable[str | os.PathLike[str]],
    outdir: Path,
    options: ConvertOptions | None = None,
    workers: int = 0,
    resume: bool = False,
    previews: bool = True,
    related: RelatedIndex | None = None,
) -> Generator[Outcome, None, None]:
    """Convert every source into OUTDIR with ``workers`` processes (0: one per core), yielding outcomes in
    input order.

    With ``resume``, a record whose input, tables and options are unchanged and whose draft is present and
    intact is skipped (its preview drawn again if it is missing or changed). With ``previews``, an SVG of
    each draft goes to ``OUTDIR/previews/``; without, a converted draft's old preview is removed. With
    ``related`` (an index of WikiPathways' pathways), each figure's row names the pathways that share its
    genes. Raises
    OutdirBusy when another run holds OUTDIR, LedgerError when the ledger cannot be written. Closing the
    iterator (or an exception in the consumer, Ctrl-C among them) stops the workers, records what was
    finished, and leaves no temporary file.
    """
    options = options or ConvertOptions()
    workers = workers or usable_cpus()
    # Imported gene tables are named by their content: importing one (again) redoes what it may change;
    # so does another set of WikiPathways pathways to relate figures to.
    tables = ",".join(sorted(table.path.name for table in stored_tables().values()))
    pathways = _index_digest(related) if related is not None else ""
    fingerprint = (
        f"{__version__}|{options.organism}|{options.draft.authors}|{options.draft.last_modified}|{tables}"
        f"|{pathways}\n"
    ).encode()
    _worker_state["related"] = related  # before the workers fork: they share the index
    with ledger.locked(outdir):
        if previews:
            (outdir / PREVIEWS).mkdir(exist_ok=True)
        _remove_leftovers(outdir)
        db = ledger.open_ledger(outdir)
        run = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()) + f"-{os.getpid()}"
        ledger.start_run(db, run, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        keeper = _Keeper(outdir, db, run, previews)
        paths = (os.fspath(source) for source in sources)
        results = _results(paths, (outdir, options, fingerprint, previews, resume), workers)
        try:
            for chunk in results:
                for done in chunk:
                    # An outcome is recorded once it is handed over: the ledger holds every outcome the
                    # consumer was given, however the run stops.
                    yield keeper.keep(done)
                keeper.record()
        finally:
            results.close()  # stops the workers first
            keeper.close()
            _remove_leftovers(outdir)  # what was staged and never put in place
            _worker_state.pop("related", None)


def _index_digest(index: RelatedIndex) -> str:
    """What the related pathways of a figure depend on: every pathway's id, organism and genes."""
    digest = hashlib.sha256()
    for gene_set in index.sets:
        digest.update(f"{gene_set.id}|{gene_set.organism}|{sorted(gene_set.genes)}\n".encode())
    return digest.hexdigest()


def _remove_leftovers(outdir: Path) -> None:
    for folder in (outdir, outdir / PREVIEWS):
        remove_leftovers(folder)


class _Keeper:
    """The main process's side: decides duplicates, puts staged files in place, records the ledger."""

    def __init__(self, outdir: Path, db: sqlite3.Connection, run: str, previews: bool) -> None:
        self.outdir, self.db, self.run, self.previews = outdir, db, run, previews
        self.firsts: dict[str, str] = {}  # figid -> the input that gave it first
        self.handed: list[Outcome] = []  # handed over, not yet recorded
        self.last_commit = time.monotonic()

    def keep(self, done: _Done) -> Outcome:
        """Decide a worker's result and put its files in place; the outcome is recorded by :meth:`record`."""
        outcome = self._decide(done)
        self.handed.append(outcome)
        return outcome

    def record(self) -> None:
        """Record the outcomes handed over (one statement for many), and commit every half second."""
        ledger.record_outcomes(self.db, self.handed, self.run)
        self.handed.clear()
        if time.monotonic() - self.last_commit > COMMIT_EVERY:
            self._commit()

    def _decide(self, done: _Done) -> Outcome:
        outcome = done.outcome
        # A figid's input is decided before any file of it is put in place.
        if outcome.status != "failed" and (
            second := second_of_figid(self.firsts, outcome.figid, outcome.source)
        ):
            for tmp, _ in done.staged:
                discard(tmp)
            return Outcome(outcome.source, "failed", outcome.figid, error=second)
        try:
            for tmp, path in done.staged:
                commit(tmp, path)
        except ConverterError as exc:
            for tmp, _ in done.staged:
                discard(tmp)
            return Outcome(outcome.source, "failed", outcome.figid, error=f"{outcome.source}: {exc}")
        if outcome.status == "converted" and not self.previews:  # never an old preview beside a new draft
            (self.outdir / PREVIEWS / f"{outcome.figid}.svg").unlink(missing_ok=True)
        return outcome

    def _commit(self) -> None:
        try:
            self.db.commit()
        except sqlite3.Error as exc:
            raise ledger.LedgerError(
                f"{self.outdir / ledger.LEDGER_NAME}: cannot record the run: {exc}"
            ) from exc
        self.last_commit = time.monotonic()

    def close(self) -> None:
        try:
            self.record()
            self._commit()
        finally:
            self.db.close()


def _chunks(sources: Iterator[str]) -> Iterator[list[str]]:
    while chunk := list(itertools.islice(sources, CHUNK)):
        yield chunk


def _results(sources: Iterator[str], init: _Init, workers: int) -> Generator[list[_Done], None, None]:
    """The workers' results, chunk by chunk, in input order."""
    if workers == 1:
        _init_worker(*init)
        try:
            yield from map(_convert_chunk, _chunks(sources))
        finally:
            _close_worker()
        return
    # Forked: the workers share what the main process loaded (the related-pathway index among them).
    yield from pooled_chunks(
        _convert_chunk, _chunks(sources), workers, _lost, _discard_staged, _init_worker, init,
        multiprocessing.get_context("fork"),
    )  # fmt: skip


def _lost(chunk: list[str]) -> list[_Done]:
    """The outcomes of a chunk whose worker died."""
    error = "a worker process died while converting it (out of memory, or killed); run it again"
    return [_Done(Outcome(source, "failed", error=f"{source}: {error}")) for source in chunk]


def _discard_staged(results: list[_Done]) -> None:
    """Drop what a worker staged for results that will not be put in place."""
    for done in results:
        for tmp, _ in done.staged:
            discard(tmp)

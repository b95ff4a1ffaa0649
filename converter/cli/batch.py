"""The ``batch`` command: a whole corpus, with progress, reports, and a clean stop on Ctrl-C or SIGTERM."""

from __future__ import annotations

import contextlib
import json
import signal
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer

from ..defaults import DEFAULT_AUTHOR
from . import options as opt
from .online import ONLINE_HELP, online_answers
from .output import error, progress, say, usage
from .related import related_index

__all__ = ["batch"]


class _Terminated(BaseException):
    """SIGTERM, raised where the main process is, as Ctrl-C raises KeyboardInterrupt."""


class _Stops:
    """Ctrl-C and SIGTERM raise where the main process is (KeyboardInterrupt, _Terminated), except while it
    takes in an outcome (:meth:`taking`): then once it is counted and reported, so that the reports and the
    totals agree. A second signal meanwhile raises at once; a signal the caller ignores stays ignored."""

    def __init__(self) -> None:
        self.taking_one, self.held = False, 0

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        if self.taking_one and not self.held:
            self.held = signum
        else:
            self._raise(signum)

    @contextlib.contextmanager
    def installed(self) -> Iterator[_Stops]:
        before = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        for signum, handler in before.items():
            if handler is not signal.SIG_IGN:  # e.g. `batch … &` from a script: Ctrl-C is not for it
                signal.signal(signum, self)
        try:
            yield self
        finally:
            for signum, handler in before.items():
                signal.signal(signum, handler)

    def taking(self) -> None:
        """An outcome is being taken in: a stop waits until :meth:`taken`."""
        self.taking_one = True

    def taken(self) -> None:
        held, self.taking_one, self.held = self.held, False, 0
        if held:
            self._raise(held)

    @staticmethod
    def _raise(signum: int) -> None:
        raise KeyboardInterrupt if signum == signal.SIGINT else _Terminated


def batch(
    source: Annotated[
        str,
        typer.Argument(
            help="A pfocr-database checkout, a folder of records (not searched further down), a record, "
            "a file listing record paths, or - to read that list from standard input."
        ),
    ],
    outdir: Annotated[str, typer.Option("-o", "--outdir", help="Folder for drafts, ledger and reports.")],
    workers: Annotated[int, typer.Option(min=0, help="Worker processes (0: one per core).")] = 0,
    organism: Annotated[str, typer.Option(help=opt.ORGANISM_HELP)] = "",
    author: Annotated[list[str], typer.Option(help=opt.AUTHOR_HELP)] = [DEFAULT_AUTHOR],  # noqa: B006
    date: Annotated[str, typer.Option(help=opt.DATE_HELP)] = "",
    resume: Annotated[
        bool, typer.Option(help="Skip records whose input, options and output are unchanged.")
    ] = False,
    previews: Annotated[bool, typer.Option(help="Write an SVG preview of each draft for index.html.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    wikipathways: Annotated[
        Path | None,
        typer.Option(
            help="WikiPathways' pathways (a wikipathways-database checkout, a folder of GPML, or a GMT file):"
            " each figure's report row and card name the pathways that share its genes."
        ),
    ] = None,
    online: Annotated[bool, typer.Option("--online", help=ONLINE_HELP)] = False,
) -> None:
    """Convert a whole corpus in parallel: resumable, every failure reported, with JSON/TSV reports."""
    from ..batch import ReportWriter, locked, run_batch
    from ..batch.ledger import OutdirBusy
    from ..draft import DraftOptions
    from ..errors import ConverterError
    from ..online.ask import questions_of_files
    from ..pipeline import ConvertOptions
    from ..workers import usable_cpus

    paths = [str(p) for p in opt.records([source])]
    options = ConvertOptions(
        opt.organism(organism), DraftOptions(opt.authors(author), opt.last_modified(date))
    )
    folder = opt.output_folder(outdir)
    index = related_index(wikipathways, brief=True) if wikipathways is not None else None
    started = time.perf_counter()
    counts = {"converted": 0, "failed": 0, "skipped": 0}
    unmapped, stopped, broken = 0, 0, ""
    try:
        with (
            locked(folder),
            _Stops().installed() as stops,
            contextlib.closing(ReportWriter(folder, previews)) as reports,
        ):
            try:
                if online:
                    typer.echo(f"online: reading {len(paths)} records for what to ask", err=True)
                    asked = questions_of_files(paths, options.organism, workers or usable_cpus())
                    options = replace(options, online=online_answers(asked))
                with (
                    contextlib.closing(
                        run_batch(paths, folder, options, workers, resume, previews, index)
                    ) as outcomes,
                    progress(len(paths), as_json) as advance,
                ):
                    for outcome in outcomes:
                        stops.taking()
                        counts[outcome.status] += 1
                        reports.add(outcome)
                        if outcome.status == "converted":  # a skipped figure's terms were counted before
                            unmapped += outcome.unmapped
                        stops.taken()  # before writing to the terminal, which may block (a full pipe)
                        if outcome.status == "failed":
                            error(outcome.error)
                        advance(counts)
            except KeyboardInterrupt:
                stopped = 130
            except _Terminated:
                stopped = 143
            except ConverterError as exc:  # the ledger cannot be written: a full disk
                broken = str(exc)
            totals = _totals(
                counts, len(paths), unmapped, time.perf_counter() - started, bool(stopped or broken)
            )
            try:
                reports.finish(totals, source)
            except ConverterError as exc:
                error(f"reports not written: {exc}")
                broken = broken or str(exc)
    except OutdirBusy as exc:
        raise usage(str(exc)) from None
    if as_json:
        say(json.dumps(totals, indent=2))
    else:
        say(
            f"{totals['inputs']} records: {counts['converted']} converted, {counts['failed']} failed, "
            f"{counts['skipped']} skipped (unchanged); {unmapped} unmapped terms; "
            f"{totals['seconds']:.1f} s, {totals['records_per_second']} records/s; reports in {folder}"
        )
    if stopped or broken:
        if broken:
            error(broken)
        cause = "interrupted" if stopped else "stopped"
        typer.echo(f"{cause}: {totals['inputs']} of {len(paths)} done; run again with --resume", err=True)
        raise typer.Exit(stopped or 1)
    if counts["failed"]:
        raise typer.Exit(1)


def _totals(
    counts: dict[str, int], listed: int, unmapped: int, seconds: float, stopped: bool
) -> dict[str, Any]:
    """The run's totals: ``inputs`` are the records taken in (converted + failed + skipped), ``listed`` all
    that SOURCE names; they differ only when the run was stopped."""
    done = sum(counts.values())
    return {
        "inputs": done,
        "listed": listed,
        **counts,
        "stopped": stopped,
        "unmapped_terms": unmapped,
        "seconds": round(seconds, 3),
        "records_per_second": round(done / seconds, 1) if seconds else 0.0,
    }

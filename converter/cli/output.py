"""What the command line prints: one-line errors, output that a closed pipe does not stop, the progress."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import typer

__all__ = ["attempt", "error", "progress", "say", "usage"]

T = TypeVar("T")

_closed = False  # stdout was closed by its reader (`| head`): the work goes on, its output goes nowhere


def say(line: str) -> None:
    """Print a line on stdout; a reader that stops reading (``| head -1``) does not stop the command."""
    global _closed
    if _closed:
        return
    try:
        typer.echo(line)
        sys.stdout.flush()
    except BrokenPipeError:
        _closed = True
        # Python would report the broken pipe again when it flushes stdout at exit: point it at nothing.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def error(message: str) -> None:
    """One line on stderr: ``error: <message>``."""
    typer.echo(f"error: {message}", err=True)


def attempt(what: object, action: Callable[..., T], *args: Any) -> T | None:
    """``action(*args)``, or None when it failed: its error printed in one line (``what`` names the file
    when the error does not), never a traceback. The boundary where one item's failure must not stop the
    others."""
    from ..errors import ConverterError

    try:
        return action(*args)
    except ConverterError as exc:
        error(str(exc))
    except Exception as exc:  # the CLI boundary: one line, never a traceback
        error(f"{what}: unexpected {type(exc).__name__}: {exc}")
    return None


def usage(message: str) -> typer.Exit:
    """Print ``usage error: <message>`` and return the exit (code 2) to raise."""
    typer.echo(f"usage error: {message}", err=True)
    return typer.Exit(2)


@contextlib.contextmanager
def progress(total: int, quiet: bool) -> Iterator[Callable[[dict[str, int]], None]]:
    """A rich progress bar on a terminal; a plain line every few seconds otherwise; nothing when quiet."""
    if quiet:
        yield lambda counts: None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
        from rich.text import Text

        class Rate(TextColumn):
            def render(self, task: Any) -> Text:
                return Text(f"{task.speed:,.0f} records/s" if task.speed else "")

        columns = (
            TextColumn("converting"),
            BarColumn(),
            MofNCompleteColumn(),
            Rate(""),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=Console(stderr=True)) as bar:
            task = bar.add_task("batch", total=total)
            yield lambda counts: bar.update(task, completed=sum(counts.values()))
        return
    last = [time.monotonic()]

    def plain(counts: dict[str, int]) -> None:
        if time.monotonic() - last[0] >= 5:
            last[0] = time.monotonic()
            done = sum(counts.values())
            typer.echo(f"batch: {done}/{total} done, {counts['failed']} failed", err=True)

    yield plain

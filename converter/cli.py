"""The ``pfocr2gpml`` command line: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 all well, 1 some record or file failed (the others still done), 2 usage error.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .defaults import (
    DEFAULT_API,
    DEFAULT_AUTHOR,
    DEFAULT_BASE,
    DEFAULT_MAX_PRS,
    DEFAULT_PATH_TEMPLATE,
    DEFAULT_REPO,
    FEW_DRAFTS,
)

__all__ = ["app", "main"]

app = typer.Typer(
    name="pfocr2gpml",
    help="Turn Pathway Figure OCR (PFOCR) figures into draft WikiPathways pathways (GPML 2013a).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"pfocr2gpml {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Turn PFOCR figures into draft WikiPathways pathways."""


def _error(message: str) -> None:
    typer.echo(f"error: {message}", err=True)


def _usage(message: str) -> typer.Exit:
    typer.echo(f"usage error: {message}", err=True)
    return typer.Exit(2)


def _last_modified(date: str) -> str:
    """``--date``, else SOURCE_DATE_EPOCH, else "" (the library takes now), as ``YYYYMMDDHHMMSS``."""
    from .draft import parse_date, timestamp

    if date:
        try:
            return parse_date(date)
        except ValueError as exc:
            raise _usage(f"--date {exc}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch:
        if not epoch.isdigit():
            raise _usage(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds")
        return timestamp(int(epoch))
    return ""


def _authors(given: list[str]) -> tuple[str, ...]:
    """``--author`` values, each possibly a comma-separated list, as one tuple of checked user names."""
    from .draft import check_author

    names = tuple(name.strip() for value in given for name in value.split(","))
    try:
        return tuple(check_author(name) for name in dict.fromkeys(names))
    except ValueError as exc:
        raise _usage(f"--author: {exc}") from None


_AUTHOR_HELP = (
    "WikiPathways user name of the curator (repeat, or separate by commas, for several). It must be "
    "listed in scripts/author_list.csv of wikipathways/wikipathways-database, or WikiPathways' "
    "pull-request checks fail."
)
_DATE_HELP = (
    "Last-Modified, and the revision in Version: YYYY-MM-DD, YYYYMMDD or YYYYMMDDHHMMSS, UTC "
    "(default: SOURCE_DATE_EPOCH, else now)."
)


@app.command()
def convert(
    records: Annotated[list[Path], typer.Argument(help="Figure records (.md) or folders of them.")],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for the drafts (<figid>.gpml).")],
    genes: Annotated[Path | None, typer.Option(help="Genes table (-genes.tsv) for a single record.")] = None,
    chemicals: Annotated[Path | None, typer.Option(help="Chemicals table for a single record.")] = None,
    diseases: Annotated[Path | None, typer.Option(help="Diseases table for a single record.")] = None,
    organism: Annotated[str, typer.Option(help="Organism of the drafts, e.g. 'Mus musculus'.")] = "",
    author: Annotated[list[str], typer.Option(help=_AUTHOR_HELP)] = [DEFAULT_AUTHOR],  # noqa: B006
    date: Annotated[str, typer.Option(help=_DATE_HELP)] = "",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Do not list unmapped words.")] = False,
) -> None:
    """Convert figure records (with their gene, chemical and disease tables) into draft GPML pathways."""
    from .draft import DraftOptions
    from .errors import ConverterError
    from .inputs import find_records
    from .pipeline import ConvertOptions, convert_record

    tables = {k: v for k, v in (("genes", genes), ("chemicals", chemicals), ("diseases", diseases)) if v}
    paths = list(find_records(records))
    if tables and len(paths) != 1:
        raise _usage("--genes/--chemicals/--diseases need exactly one record")
    for table in tables.values():
        if not table.is_file():
            raise _usage(f"{table}: no such file")
    if not paths:
        raise _usage("no records found")
    options = ConvertOptions(organism, DraftOptions(_authors(author), _last_modified(date)))
    failed = 0
    for path in paths:
        try:
            result = convert_record(path, outdir, options, tables)
        except ConverterError as exc:
            failed += 1
            _error(str(exc))
            continue
        except Exception as exc:  # the CLI boundary: one line, never a traceback
            failed += 1
            _error(f"{path}: unexpected {type(exc).__name__}: {exc}")
            continue
        note = f" ({result.organism_note})" if result.organism_note else ""
        typer.echo(
            f"{result.figid}: {result.nodes} nodes ({result.genes} genes, {result.chemicals} chemicals), "
            f"{result.diseases} diseases, {result.mapped} mapped, {len(result.unmapped)} unmapped; "
            f"{result.organism}{note} -> {result.output}"
        )
        if not quiet:
            for item in result.unmapped:
                typer.echo(f"  unmapped {item.kind} {item.word!r}: {item.reason}")
            for warning in result.warnings:
                typer.echo(f"  warning {warning.rule}: {warning.message}")
    if failed:
        raise typer.Exit(1)


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="GPML files or folders (searched recursively).")],
    rules: Annotated[str, typer.Option(help="Which rules: schema, submission or all.")] = "all",
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Check GPML against the GPML 2013a schema and WikiPathways' submission rules."""
    from .gpml import ERROR, RULE_SETS, has_errors, validate_paths
    from .inputs import find_gpml

    if rules not in RULE_SETS:
        raise _usage(f"--rules must be one of {', '.join(RULE_SETS)}")
    if format not in ("text", "json"):
        raise _usage("--format must be text or json")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _usage(f"{missing[0]}: no such file or folder")
    findings = []
    files = 0
    for _, found in validate_paths(find_gpml(paths), rules):
        files += 1
        findings.extend(found)
    if format == "json":
        payload = {"files": files, "findings": [f.__dict__ for f in findings]}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        for f in findings:
            where = f":{f.line}" if f.line else ""
            element = f" [{f.element}]" if f.element else ""
            typer.echo(f"{f.file}{where}: {f.severity}: {f.rule}{element}: {f.message}")
        errors = sum(f.severity == ERROR for f in findings)
        typer.echo(f"{files} files, {errors} errors, {len(findings) - errors} warnings", err=True)
    if has_errors(findings):
        raise typer.Exit(1)


@app.command()
def batch(
    source: Annotated[
        str,
        typer.Argument(
            help="A pfocr-database checkout, a folder of records, a file listing record paths, or -."
        ),
    ],
    outdir: Annotated[Path, typer.Option("-o", "--outdir", help="Folder for drafts, ledger and reports.")],
    workers: Annotated[int, typer.Option(min=0, help="Worker processes (0: one per core).")] = 0,
    organism: Annotated[str, typer.Option(help="Organism of every draft.")] = "",
    author: Annotated[list[str], typer.Option(help=_AUTHOR_HELP)] = [DEFAULT_AUTHOR],  # noqa: B006
    date: Annotated[str, typer.Option(help=_DATE_HELP)] = "",
    resume: Annotated[
        bool, typer.Option(help="Skip records whose input, options and output are unchanged.")
    ] = False,
    previews: Annotated[bool, typer.Option(help="Write an SVG preview of each draft for index.html.")] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Convert a whole corpus in parallel: resumable, every failure reported, with JSON/TSV reports."""
    from .batch import run_batch, write_reports
    from .draft import DraftOptions
    from .inputs import find_records
    from .pipeline import ConvertOptions

    if source != "-" and not Path(source).exists():
        raise _usage(f"{source}: no such file or folder")
    options = ConvertOptions(organism, DraftOptions(_authors(author), _last_modified(date)))
    try:
        paths = [str(p) for p in find_records([source], sys.stdin)]
    except (OSError, UnicodeDecodeError) as exc:
        raise _usage(f"{source}: cannot list records: {exc}") from exc
    started = time.perf_counter()
    counts = {"converted": 0, "failed": 0, "skipped": 0}
    unmapped = 0
    with _progress(len(paths), as_json) as advance:
        for outcome in run_batch(map(Path, paths), outdir, options, workers, resume, previews):
            counts[outcome.status] += 1
            unmapped += outcome.unmapped
            if outcome.status == "failed":
                _error(outcome.error)
            advance(counts)
    seconds = time.perf_counter() - started
    totals = {
        "inputs": len(paths),
        **counts,
        "unmapped_terms": unmapped,
        "seconds": round(seconds, 3),
        "records_per_second": round(len(paths) / seconds, 1) if seconds else 0.0,
    }
    write_reports(outdir, totals, source)
    if as_json:
        typer.echo(json.dumps(totals, indent=2))
    else:
        typer.echo(
            f"{totals['inputs']} records: {counts['converted']} converted, {counts['failed']} failed, "
            f"{counts['skipped']} skipped (unchanged); {unmapped} unmapped terms; "
            f"{seconds:.1f} s, {totals['records_per_second']} records/s; reports in {outdir}"
        )
    if counts["failed"]:
        raise typer.Exit(1)


@app.command()
def render(
    gpml: Annotated[Path, typer.Argument(help="A GPML 2013a file.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The SVG file to write.")],
) -> None:
    """Draw a GPML pathway as an SVG image."""
    from .errors import ConverterError
    from .render import render_file

    if not gpml.is_file():
        raise _usage(f"{gpml}: no such file")
    try:
        render_file(gpml, output)
    except ConverterError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    typer.echo(f"{gpml} -> {output}")


@app.command()
def push(
    paths: Annotated[
        list[Path], typer.Argument(help="Drafts (.gpml) or folders of drafts, e.g. a batch's OUTDIR.")
    ],
    repo: Annotated[str, typer.Option(help="Target repository OWNER/NAME.")] = DEFAULT_REPO,
    base: Annotated[str, typer.Option(help="Branch the pull requests go into.")] = DEFAULT_BASE,
    no_fork: Annotated[bool, typer.Option("--no-fork", help="Push branches to the target itself.")] = False,
    path_template: Annotated[
        str, typer.Option(help="Where each draft goes in the repository.")
    ] = DEFAULT_PATH_TEMPLATE,
    max_prs: Annotated[
        int, typer.Option(min=1, help="New pull requests in one run at most.")
    ] = DEFAULT_MAX_PRS,
    yes: Annotated[
        bool, typer.Option("--yes", help="Do not ask before pushing more than a few drafts.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the requests; send nothing.")] = False,
    allow_new_author: Annotated[
        bool,
        typer.Option(
            "--allow-new-author",
            help="Push drafts whose authors are not yet in the target's scripts/author_list.csv "
            "(a new contributor who adds themself there in a pull request of its own).",
        ),
    ] = False,
    api_url: Annotated[
        str, typer.Option(help="GitHub API base URL (GitHub Enterprise, tests).")
    ] = DEFAULT_API,
) -> None:
    """Open a draft pull request on GitHub for each draft (token from GITHUB_TOKEN or GH_TOKEN)."""
    from .errors import PushError
    from .inputs import find_gpml
    from .push import PushOptions, push_drafts, token_from_env

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise _usage(f"{missing[0]}: no such file or folder")
    drafts = find_gpml(paths)
    if not drafts:
        raise _usage("no drafts (.gpml) found")
    options = PushOptions(
        repo,
        base,
        not no_fork,
        path_template,
        api_url,
        dry_run,
        max_prs=max_prs,
        allow_new_author=allow_new_author,
    )
    if dry_run:
        typer.echo("dry run: nothing is sent; assumes your fork exists and nothing was pushed yet", err=True)
    elif len(drafts) > FEW_DRAFTS and not yes:
        typer.confirm(
            f"Push {len(drafts)} drafts to {repo} (at most {max_prs} new pull requests)? "
            "WikiPathways asks contributors to consult its editors first",
            abort=True,
        )
    bad = 0
    try:
        for result in push_drafts(drafts, options, token_from_env(), typer.echo if dry_run else None):
            bad += result.action in ("refused", "failed")
            url = f" {result.pr_url}" if result.pr_url else ""
            message = f" ({result.message})" if result.message else ""
            typer.echo(f"{result.figid}: {result.action}{url}{message}")
    except PushError as exc:
        _error(str(exc))
        raise typer.Exit(1) from None
    if bad:
        raise typer.Exit(1)


@contextlib.contextmanager
def _progress(total: int, quiet: bool) -> Iterator[Callable[[dict[str, int]], None]]:
    """A rich progress bar on a terminal; a plain line every few seconds otherwise."""
    if quiet:
        yield lambda counts: None
        return
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (
            TextColumn("converting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.speed} /s"),
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


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last boundary: one line, never a traceback
        _error(f"unexpected {type(exc).__name__}: {exc}")
        sys.exit(1)

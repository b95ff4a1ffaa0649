"""The ``pfocr2gpml`` commands: parse arguments, call the library, print, choose the exit code.

Exit codes: 0 all well; 1 some record, file or draft failed (the others still done); 2 usage error (nothing
done); 130 and 143 when Ctrl-C or SIGTERM stopped a batch (what was finished is kept and reported).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..defaults import (
    DEFAULT_API,
    DEFAULT_AUTHOR,
    DEFAULT_BASE,
    DEFAULT_MAX_PRS,
    DEFAULT_PATH_TEMPLATE,
    DEFAULT_REPO,
    FEW_DRAFTS,
)
from . import options as opt
from .batch import batch
from .genes import genes_app
from .online import ONLINE_HELP, online_answers
from .output import attempt, error, say, usage
from .related import related

if TYPE_CHECKING:
    from ..pipeline import Conversion
    from ..records import FigureRecord

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


@app.command()
def convert(
    records: Annotated[
        list[Path],
        typer.Argument(
            help="Figure records (.md), folders of them (not searched further down), or list files."
        ),
    ],
    outdir: Annotated[str, typer.Option("-o", "--outdir", help="Folder for the drafts (<figid>.gpml).")],
    genes: Annotated[Path | None, typer.Option(help="Genes table (-genes.tsv) for a single record.")] = None,
    chemicals: Annotated[Path | None, typer.Option(help="Chemicals table for a single record.")] = None,
    diseases: Annotated[Path | None, typer.Option(help="Diseases table for a single record.")] = None,
    organism: Annotated[str, typer.Option(help=opt.ORGANISM_HELP)] = "",
    author: Annotated[list[str], typer.Option(help=opt.AUTHOR_HELP)] = [DEFAULT_AUTHOR],  # noqa: B006
    date: Annotated[str, typer.Option(help=opt.DATE_HELP)] = "",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not list unmapped words and warnings.")
    ] = False,
    online: Annotated[bool, typer.Option("--online", help=ONLINE_HELP)] = False,
) -> None:
    """Convert figure records (with their gene, chemical and disease tables) into draft GPML pathways."""
    from ..draft import DraftOptions
    from ..errors import ConverterError
    from ..pipeline import ConvertOptions, convert, second_of_figid
    from ..records import read_record

    paths = opt.records(records)
    tables = {k: v for k, v in (("genes", genes), ("chemicals", chemicals), ("diseases", diseases)) if v}
    if tables and len(paths) != 1:
        raise usage("--genes/--chemicals/--diseases need exactly one record")
    for table in tables.values():
        if not table.is_file():
            raise usage(f"{table}: no such file")
    options = ConvertOptions(
        opt.organism(organism), DraftOptions(opt.authors(author), opt.last_modified(date))
    )
    folder = opt.output_folder(outdir)
    failed, firsts = 0, dict[str, str]()  # figid -> the record that gave it first

    def read(path: Path) -> FigureRecord:
        record = read_record(path, tables)
        if second := second_of_figid(firsts, record.figid, str(path)):
            raise ConverterError(second)
        return record

    def readable() -> Iterator[tuple[Path, FigureRecord]]:
        nonlocal failed
        for path in paths:
            if (record := attempt(path, read, path)) is None:
                failed += 1
            else:
                yield path, record

    records_read: Iterable[tuple[Path, FigureRecord]] = readable()
    if online:  # every record read first, so that the services are asked once for all of them
        records_read = list(records_read)
        if records_read:
            from ..online.ask import questions

            asked = (questions(record, options.organism) for _, record in records_read)
            options = replace(options, online=online_answers(asked))
    for path, record in records_read:
        result = attempt(path, convert, record, folder, options)
        if result is None:
            failed += 1
        else:
            _report_conversion(result, quiet)
    if failed:
        raise typer.Exit(1)


def _report_conversion(result: Conversion, quiet: bool) -> None:
    note = f" ({result.organism_note})" if result.organism_note else ""
    say(
        f"{result.figid}: {result.nodes} nodes ({result.genes} genes, {result.chemicals} chemicals), "
        f"{result.diseases} diseases, {result.mapped} mapped, {len(result.unmapped)} unmapped; "
        f"{result.organism}{note} -> {result.output}"
    )
    for notice in result.notes:
        say(f"  warning: {notice}")
    if not quiet:
        for item in result.unmapped:
            say(f"  unmapped {item.kind} {item.word!r}: {item.reason}")
        for warning in result.warnings:
            say(f"  warning {warning.rule}: {warning.message}")


@app.command()
def validate(
    paths: Annotated[list[Path], typer.Argument(help="GPML files or folders (searched recursively).")],
    rules: Annotated[str, typer.Option(help="Which rules: schema, submission or all.")] = "all",
    format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """Check GPML against the GPML 2013a schema and WikiPathways' submission rules."""
    from ..gpml import ERROR, RULE_SETS, has_errors, validate_paths
    from ..inputs import find_gpml

    if rules not in RULE_SETS:
        raise usage(f"--rules must be one of {', '.join(RULE_SETS)}")
    if format not in ("text", "json"):
        raise usage("--format must be text or json")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise usage(f"{missing[0]}: no such file or folder")
    findings = []
    files = 0
    for _, found in validate_paths(find_gpml(paths), rules):
        files += 1
        findings.extend(found)
    if format == "json":
        say(
            json.dumps(
                {"files": files, "findings": [f.__dict__ for f in findings]}, indent=2, ensure_ascii=False
            )
        )
    else:
        for f in findings:
            where = f":{f.line}" if f.line else ""
            element = f" [{f.element}]" if f.element else ""
            say(f"{f.file}{where}: {f.severity}: {f.rule}{element}: {f.message}")
        errors = sum(f.severity == ERROR for f in findings)
        typer.echo(f"{files} files, {errors} errors, {len(findings) - errors} warnings", err=True)
    if has_errors(findings):
        raise typer.Exit(1)


app.command()(batch)
app.add_typer(genes_app)
app.command()(related)


@app.command()
def render(
    gpml: Annotated[Path, typer.Argument(help="A GPML 2013a file.")],
    output: Annotated[str, typer.Option("-o", "--output", help="The SVG file to write.")],
) -> None:
    """Draw a GPML pathway as an SVG image."""
    from ..errors import ConverterError
    from ..render import render_file

    if gpml.is_dir():
        raise usage(f"{gpml}: is a folder; give one GPML file")
    if not gpml.is_file():
        raise usage(f"{gpml}: no such file")
    if not output.strip():
        raise usage("-o is empty: name the SVG file to write")
    target = Path(output)
    if target.is_dir():
        raise usage(f"-o {target}: is a folder; name the SVG file to write")
    if target.exists() and target.resolve() == gpml.resolve():
        raise usage(f"-o {target}: is the GPML file itself; name another file for the SVG")
    try:
        render_file(gpml, target)
    except ConverterError as exc:
        error(str(exc))
        raise typer.Exit(1) from None
    say(f"{gpml} -> {target}")


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
    """Open a draft pull request on GitHub for each draft (token from GITHUB_TOKEN or GH_TOKEN).

    Exit 0 when every draft was pushed, updated or already there; 1 when one was refused or failed, or the
    run stopped (a rejected token, GitHub unreachable); 2 on a usage error.
    """
    from ..errors import PushError
    from ..inputs import find_gpml
    from ..push import PushOptions, check_options, push_drafts, token_from_env
    from ..push.sync import NO_TOKEN

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise usage(f"{missing[0]}: no such file or folder")
    drafts = find_gpml(paths)
    if not drafts:
        raise usage("no drafts (.gpml) found")
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
    try:
        check_options(options)
    except PushError as exc:
        raise usage(str(exc)) from None
    token = token_from_env()
    if not dry_run and not token:  # said before any question is asked
        error(NO_TOKEN)
        raise typer.Exit(1)
    if dry_run:
        typer.echo("dry run: nothing is sent; assumes your fork exists and nothing was pushed yet", err=True)
    elif len(drafts) > FEW_DRAFTS and not yes:
        typer.confirm(
            f"Push {len(drafts)} drafts to {repo} (at most {max_prs} new pull requests)? "
            "WikiPathways asks contributors to consult its editors first",
            abort=True,
        )
    results = push_drafts(drafts, options, token, say if dry_run else None)
    actions: dict[str, int] = {}
    stopped = ""
    try:
        for result in results:
            actions[result.action] = actions.get(result.action, 0) + 1
            url = f" {result.pr_url}" if result.pr_url else ""
            message = f" ({result.message})" if result.message else ""
            say(f"{result.figid}: {result.action}{url}{message}")
    except PushError as exc:
        error(str(exc))
        stopped = str(exc)
    left = len(drafts) - sum(actions.values())
    summary = ", ".join(f"{count} {action}" for action, count in actions.items()) or "none pushed"
    if left:
        summary += f"; {left} not attempted (the run stopped: run push again to go on)"
    typer.echo(f"{len(drafts)} draft{'s' * (len(drafts) != 1)}: {summary}", err=True)
    if stopped or actions.get("refused") or actions.get("failed"):
        raise typer.Exit(1)


def main() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # the last boundary: one line, never a traceback
        error(f"unexpected {type(exc).__name__}: {exc}")
        sys.exit(1)

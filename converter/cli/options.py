"""Reading the command line's options into the library's values, refusing impossible ones (exit 2)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .output import usage

__all__ = [
    "AUTHOR_HELP",
    "DATE_HELP",
    "ORGANISM_HELP",
    "authors",
    "last_modified",
    "organism",
    "output_folder",
]

AUTHOR_HELP = (
    "WikiPathways user name of the curator (repeat, or separate by commas, for several). It must be "
    "listed in scripts/author_list.csv of wikipathways/wikipathways-database, or WikiPathways' "
    "pull-request checks fail."
)
DATE_HELP = (
    "Last-Modified, and the revision in Version: YYYY-MM-DD, YYYYMMDD or YYYYMMDDHHMMSS, UTC "
    "(default: SOURCE_DATE_EPOCH, else now)."
)
ORGANISM_HELP = "Organism of the drafts, e.g. 'Mus musculus' (any case); default: each record's own."


def last_modified(date: str) -> str:
    """``--date``, else SOURCE_DATE_EPOCH, else "" (the library takes now), as ``YYYYMMDDHHMMSS``."""
    from ..draft import parse_date, timestamp

    if date:
        try:
            return parse_date(date)
        except ValueError as exc:
            raise usage(f"--date {exc}") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch:
        if not epoch.isdigit():
            raise usage(f"SOURCE_DATE_EPOCH={epoch!r} is not a whole number of seconds")
        return timestamp(int(epoch))
    return ""


def authors(given: list[str]) -> tuple[str, ...]:
    """``--author`` values, each possibly a comma-separated list, as one tuple of checked user names."""
    from ..draft import check_author

    names = tuple(name.strip() for value in given for name in value.split(","))
    try:
        return tuple(check_author(name) for name in dict.fromkeys(names))
    except ValueError as exc:
        raise usage(f"--author: {exc}") from None


def organism(given: str) -> str:
    """``--organism`` as WikiPathways spells it (``homo sapiens`` is Homo sapiens); "" when not given."""
    from ..wikipathways import organism_named

    if not given:
        return ""
    try:
        return organism_named(given)
    except ValueError as exc:
        raise usage(f"--organism: {exc}") from None


def output_folder(given: str, option: str = "-o") -> Path:
    """An output folder that exists (made if need be) and can be written to; a usage error otherwise."""
    if not given.strip():
        raise usage(f"{option} is empty: name the folder to write to")
    path = Path(given)
    if path.exists() and not path.is_dir():
        raise usage(f"{option} {path}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise usage(f"{option} {path}: cannot make the folder: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise usage(f"{option} {path}: the folder cannot be written to")
    return path


def records(given: Sequence[str | Path]) -> list[Path]:
    """The records that RECORD or SOURCE arguments name (``-``: a list on standard input); a usage error when
    one is missing or none is found."""
    from ..inputs import find_records

    missing = [p for p in given if str(p) != "-" and not Path(p).exists()]
    if missing:
        raise usage(f"{missing[0]}: no such file or folder")
    named = ", ".join(map(str, given))
    try:
        paths = list(find_records(given, sys.stdin))
    except (OSError, UnicodeDecodeError) as exc:
        raise usage(f"{named}: cannot list records: {exc}") from None
    if not paths:
        raise usage(f"no records (.md) in {named} (folders are not searched further down)")
    return paths

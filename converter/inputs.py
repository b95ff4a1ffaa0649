"""Finding inputs: the records a conversion reads and the GPML files validate and push read.

One set of rules for every command: a folder is read at its own level (records) or searched through
(GPML files, hidden folders skipped); files are taken as given, in the order given (GPML files each once;
a record given twice is read twice, and its conversions decide by figid).

Example: ``list(find_records(["samples"]))`` lists the three sample records.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TextIO

__all__ = ["RECORD_SUFFIX", "find_gpml", "find_records", "record_files"]

#: A record file's name ends so (``_figures/<figid>.md``); any other file given as a source lists records.
RECORD_SUFFIX = ".md"


def record_files(folder: Path) -> list[Path]:
    """The records of a folder, sorted: its ``*.md``, or a pfocr-database checkout's ``_figures/*.md``.

    Sub-folders are not searched; README files are not records.
    """
    if (folder / "_figures").is_dir():
        folder = folder / "_figures"
    with os.scandir(folder) as entries:
        names = sorted(
            e.name
            for e in entries
            if e.name.endswith(RECORD_SUFFIX) and not e.name.upper().startswith("README") and e.is_file()
        )
    return [folder / name for name in names]


def find_records(sources: Iterable[str | Path], stdin: TextIO | None = None) -> Iterator[Path]:
    """Record paths from each source: a folder's records (:func:`record_files`), a record file (``*.md``)
    as it is, ``-`` for a list read from ``stdin``, and any other file as a list of record paths (one a
    line; blank lines and ``#`` comments skipped; relative paths taken from the current folder).

    Raises OSError or UnicodeDecodeError when a list or a folder cannot be read.
    """
    for source in sources:
        if str(source) == "-":
            yield from _listed(stdin if stdin is not None else ())
            continue
        path = Path(source)
        if path.is_dir():
            yield from record_files(path)
        elif path.name.endswith(RECORD_SUFFIX):
            yield path
        else:
            with path.open(encoding="utf-8") as listing:
                yield from _listed(listing)


def _listed(lines: Iterable[str]) -> Iterator[Path]:
    for line in lines:
        text = line.strip()
        if text and not text.startswith("#"):
            yield Path(text)


def find_gpml(paths: Iterable[str | Path]) -> list[Path]:
    """GPML files: files as given, folders searched recursively for ``*.gpml`` (sorted; hidden folders and
    files, such as ``.git`` or a temporary file, skipped); each path once, in the order given."""
    found: dict[Path, None] = {}
    for given in map(Path, paths):
        if not given.is_dir():
            found.setdefault(given, None)
            continue
        inside = []
        for folder, folders, files in os.walk(given):
            folders[:] = [name for name in folders if not name.startswith(".")]
            inside += [Path(folder) / n for n in files if n.endswith(".gpml") and not n.startswith(".")]
        found.update(dict.fromkeys(sorted(inside)))
    return list(found)

"""One record in, one validated draft out: the steps ``convert`` and ``batch`` share."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .draft import DraftOptions, build_pathway
from .errors import SchemaError
from .gpml import parse_gpml, to_gpml, write_bytes_atomic
from .mapping import RecordMapping, Unmapped, map_record
from .records import FigureRecord, read_record
from .validate import Finding, validate_tree

__all__ = [
    "LEDGER_NAME",
    "Conversion",
    "ConvertOptions",
    "Draft",
    "convert_record",
    "draft_gpml",
    "output_path",
]

#: The SQLite ledger that batch (conversions) and push (pull requests) keep inside an OUTDIR.
LEDGER_NAME = "pfocr2gpml.sqlite"


@dataclass(frozen=True)
class ConvertOptions:
    """What a user can choose for a conversion."""

    organism: str = ""
    draft: DraftOptions = field(default_factory=DraftOptions)


@dataclass(frozen=True)
class Conversion:
    """What became of one record."""

    figid: str
    output: Path
    organism: str
    organism_note: str
    route: str
    genes: int
    chemicals: int
    diseases: int
    mapped: int
    unmapped: tuple[Unmapped, ...]
    warnings: tuple[Finding, ...]
    sha256: str

    @property
    def nodes(self) -> int:
        """DataNodes in the draft (genes and chemicals; diseases are labels)."""
        return self.genes + self.chemicals


def output_path(outdir: Path, figid: str) -> Path:
    """``OUTDIR/<figid>.gpml``, refusing any figid that would land outside OUTDIR."""
    name = f"{figid}.gpml"
    # Lexical, no file system calls: a name with no separator and no leading dot stays in OUTDIR, and
    # the atomic rename replaces a symbolic link of that name rather than writing through it.
    if os.sep in name or (os.altsep and os.altsep in name) or name.startswith(".") or "\0" in name:
        raise SchemaError(f"figid {figid!r} would write outside {outdir}")
    return outdir / name


@dataclass(frozen=True)
class Draft:
    """A validated draft in memory: its GPML bytes and tree, the mapping behind it, the warnings left."""

    data: bytes
    tree: etree._ElementTree
    mapping: RecordMapping
    warnings: tuple[Finding, ...]


def draft_gpml(record: FigureRecord, options: ConvertOptions) -> Draft:
    """Map, build, serialise and validate a record's draft; SchemaError if an error-level rule fails."""
    mapping = map_record(record, options.organism)
    pathway = build_pathway(record, mapping, options.draft)
    data = to_gpml(pathway)
    tree = parse_gpml(data)
    findings = validate_tree(tree, "all", name=record.figid, raw=data)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        first = errors[0]
        raise SchemaError(
            f"draft failed validation ({len(errors)} errors), first: {first.rule}: {first.message}"
        )
    return Draft(data, tree, mapping, tuple(f for f in findings if f.severity != "error"))


def convert_record(
    path: Path, outdir: Path, options: ConvertOptions | None = None, tables: Mapping[str, Path] | None = None
) -> Conversion:
    """Read ``path`` (and its tables), write ``OUTDIR/<figid>.gpml`` atomically, report what happened.

    Raises RecordError or SchemaError, whose text names the file and the problem.
    """
    options = options or ConvertOptions()
    record = read_record(path, tables)
    target = output_path(outdir, record.figid)
    try:
        draft = draft_gpml(record, options)
    except SchemaError as exc:
        raise SchemaError(f"{path}: {exc}") from exc
    write_bytes_atomic(draft.data, target)
    mapping = draft.mapping
    return Conversion(
        figid=record.figid,
        output=target,
        organism=mapping.organism,
        organism_note=mapping.organism_note,
        route=mapping.route,
        genes=len(mapping.genes),
        chemicals=len(mapping.chemicals),
        diseases=len(mapping.diseases),
        mapped=mapping.mapped_count,
        unmapped=mapping.unmapped,
        warnings=draft.warnings,
        sha256=hashlib.sha256(draft.data).hexdigest(),
    )

"""One record in, one validated draft out: the steps ``convert`` and ``batch`` share.

``convert_record`` reads a record and its tables, maps and builds the pathway, checks it with WikiPathways'
rules (on the model: :func:`draft_record` says what holds by construction instead), serialises it as GPML,
and writes ``OUTDIR/<figid>.gpml`` only when no error-level rule fails. ``convert`` does the same for a
record already read (batch reads first, to skip unchanged ones).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import links
from .draft import DraftOptions, build_pathway, pmcid_to_cite
from .errors import RecordError, SchemaError
from .files import write_atomic
from .gpml import ERROR, Finding, to_gpml
from .gpml.model_scan import check_pathway
from .mapping import RecordMapping, Unmapped, map_record
from .model import Citation, Pathway
from .online.answers import OnlineAnswers
from .records import FigureRecord, read_record

__all__ = [
    "Conversion",
    "ConvertOptions",
    "Draft",
    "conversion_of",
    "convert",
    "convert_record",
    "draft_record",
    "output_path",
    "second_of_figid",
]


@dataclass(frozen=True)
class ConvertOptions:
    """What a user can choose for a conversion."""

    organism: str = ""
    draft: DraftOptions = field(default_factory=DraftOptions)
    online: OnlineAnswers | None = None  # answers gathered before converting (--online)


@dataclass(frozen=True)
class Draft:
    """A checked draft in memory: the pathway, its GPML bytes, the mapping behind it, its warnings."""

    pathway: Pathway
    data: bytes
    mapping: RecordMapping
    warnings: tuple[Finding, ...]


@dataclass(frozen=True)
class Conversion:
    """What became of one record: the draft written, what it holds, and what was not mapped."""

    figid: str
    output: Path
    title: str
    organism: str
    organism_note: str
    route: str
    genes: int
    chemicals: int
    diseases: int
    mapped: int
    unmapped: tuple[Unmapped, ...]
    warnings: tuple[Finding, ...]
    notes: tuple[str, ...]
    citation: Citation | None
    paper_url: str
    sha256: str
    pathway: Pathway = field(repr=False, compare=False)  # what was drawn from, for a preview

    @property
    def nodes(self) -> int:
        """DataNodes in the draft (genes and chemicals; diseases are labels)."""
        return self.genes + self.chemicals


def output_path(outdir: Path, figid: str) -> Path:
    """``OUTDIR/<figid>.gpml``, refusing (RecordError) any figid that would land outside OUTDIR."""
    name = f"{figid}.gpml"
    # Lexical, no file system calls: a name with no separator and no leading dot stays in OUTDIR, and
    # the atomic rename replaces a symbolic link of that name rather than writing through it.
    if os.sep in name or (os.altsep and os.altsep in name) or name.startswith(".") or "\0" in name:
        raise RecordError(f"figid {figid!r} would write outside {outdir}")
    return outdir / name


def second_of_figid(firsts: dict[str, str], figid: str, source: str) -> str:
    """Why ``source`` is not converted when an earlier input gave ``figid`` (the first of a figid wins, in
    ``convert`` and ``batch`` alike); ``""`` when it is the first, which ``firsts`` then remembers."""
    first = firsts.setdefault(figid, source)
    if first == source:
        return ""
    return f"{source}: figid {figid} also comes from {first}, given first: only that one is converted"


def draft_record(record: FigureRecord, options: ConvertOptions) -> Draft:
    """Map and build a record's draft, check it with WikiPathways' rules, and write its GPML in memory.

    SchemaError if an error-level rule fails (nothing is written then). The rules run on the model, as they
    would on the written file (:mod:`converter.gpml.model_scan`); what only the file shows, its declaration,
    start tag and schema, holds by the writer's construction, and tests check every draft of the shared
    corpus against the XSD and every rule.
    """
    online = options.online
    mapping = map_record(record, options.organism, online)
    pmid = online.pmid(pmcid_to_cite(record)) if online is not None else ""
    pathway = build_pathway(record, mapping, options.draft, pmid)
    findings = check_pathway(pathway, record.figid)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        first = errors[0]
        raise SchemaError(
            f"draft failed validation ({len(errors)} errors), first: {first.rule}: {first.message}"
        )
    return Draft(pathway, to_gpml(pathway), mapping, tuple(findings))


def convert(record: FigureRecord, outdir: Path, options: ConvertOptions | None = None) -> Conversion:
    """Draft a record already read and write ``OUTDIR/<figid>.gpml`` atomically.

    Raises RecordError, SchemaError or OutputError, whose text starts with the record's file name.
    """
    target = output_path(outdir, record.figid)
    try:
        draft = draft_record(record, options or ConvertOptions())
    except SchemaError as exc:
        raise SchemaError(f"{record.source}: {exc}") from exc
    write_atomic(target, draft.data)
    return conversion_of(record, draft, target)


def conversion_of(record: FigureRecord, draft: Draft, output: Path) -> Conversion:
    """What a conversion gives: the draft of ``record`` written to ``output``."""
    mapping = draft.mapping
    return Conversion(
        figid=record.figid,
        output=output,
        title=record.title or record.paper_title,
        organism=mapping.organism,
        organism_note=mapping.organism_note,
        route=mapping.route,
        genes=len(mapping.genes),
        chemicals=len(mapping.chemicals),
        diseases=len(mapping.diseases),
        mapped=mapping.mapped_count,
        unmapped=mapping.unmapped,
        warnings=draft.warnings,
        notes=mapping.notes,
        citation=draft.pathway.citations[0] if draft.pathway.citations else None,
        paper_url=links.paper(record.doi, record.pmcid, record.figlink, record.filename),
        sha256=hashlib.sha256(draft.data).hexdigest(),
        pathway=draft.pathway,
    )


def convert_record(
    path: Path, outdir: Path, options: ConvertOptions | None = None, tables: Mapping[str, Path] | None = None
) -> Conversion:
    """Read ``path`` (and its tables, given or found beside it) and convert it as :func:`convert` does.

    Raises RecordError, SchemaError or OutputError, whose text names the file and the problem.
    """
    record = read_record(path, tables)
    try:
        return convert(record, outdir, options)
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from exc

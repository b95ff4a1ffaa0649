"""WikiPathways' submission rules on the converter's model: a draft checked before it is written.

:func:`check_pathway` gives the findings :func:`~converter.gpml.check.validate` would give for the GPML that
:func:`~converter.gpml.writer.to_gpml` writes for the pathway, without writing or parsing it: the same rules
(:mod:`.rules`) read a :class:`~converter.gpml.rules.Scan` made from the model, with every value as a parse
of the written file would give it back. Findings name no line (there is no file yet), and a repeated id or
a dangling GroupRef, which the converter never makes, is reported by the same rule but without naming the
elements the file would name. What only the file shows (its declaration, its start tag, the XSD) holds by
the writer's construction; the tests check both on every draft of the shared corpus.

Example: ``check_pathway(build_pathway(record, map_record(record)), "PMC1__f1")``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from ..model import Box, Pathway
from ..wikipathways import DESCRIPTION_SOURCE
from .findings import Finding, Findings, Mark
from .markup import as_parsed, format_authors
from .rules import Scan, check_scan, keep_xref
from .writer import number

__all__ = ["check_pathway", "scan_pathway"]


def check_pathway(pathway: Pathway, name: str = "<draft>") -> list[Finding]:
    """The submission findings of the pathway's GPML, in the rules' order (no lines: there is no file)."""
    findings = Findings(name)
    check_scan(scan_pathway(pathway), findings)
    return findings.items


def scan_pathway(pathway: Pathway) -> Scan:
    """What the rules look at, read from the model as a parse of its GPML would read it."""
    scan = Scan(
        Mark("Pathway"),
        title=as_parsed(pathway.name),
        organism=as_parsed(pathway.organism),
        author=as_parsed(format_authors(pathway.authors)) if pathway.authors else None,
        version=as_parsed(pathway.version) if pathway.version else None,
        has_board=True,
        board=(float(number(pathway.board_width)), float(number(pathway.board_height))),
    )
    if pathway.description:
        scan.descriptions.append(as_parsed(pathway.description))
    scan.descriptions += [
        as_parsed(text) for source, text in pathway.comments if source == DESCRIPTION_SOURCE
    ]
    # What the parse would drop (forbidden characters) is searched for once in all the nodes' values.
    values = "".join(_values(pathway))
    clean = _clean if as_parsed(values) == values else as_parsed
    annotated = 0
    add_id, add_ref, add_box = scan.graph_ids.append, scan.group_refs.add, scan.boxes.append
    for node in pathway.nodes:
        mark = Mark("DataNode", clean(node.label), node.graph_id)
        add_id(node.graph_id)
        add_ref(node.group or None)
        if (xref := node.xref) is not None:
            annotated += keep_xref(clean(xref.database), clean(xref.id), mark, scan)
        add_box((*_extent(node.box), mark))
    scan.nodes, scan.annotated = len(pathway.nodes), annotated
    scan.graph_ids += [label.graph_id for label in pathway.labels]
    scan.graph_ids += [group.graph_id for group in pathway.groups]
    scan.group_ids += [group.group_id for group in pathway.groups]
    for cite in pathway.citations:
        where = Mark("PublicationXref", "", cite.ref_id)
        scan.publications.append(
            (as_parsed(cite.id).strip(), as_parsed(cite.database).strip(), cite.ref_id, where)
        )
        scan.biopax_refs.append((cite.ref_id, Mark("BiopaxRef")))
    return scan


def _clean(value: str) -> str:
    return value


def _values(pathway: Pathway) -> Iterator[str]:
    for node in pathway.nodes:
        yield node.label
        if node.xref is not None:
            yield node.xref.database
            yield node.xref.id


@functools.lru_cache(maxsize=4096)  # drafts lay their nodes on a few grids
def _extent(box: Box) -> tuple[float, float, float, float]:
    """A box's edges as the rules read them from the written file (its rounded numbers)."""
    x, y = float(number(box.x)), float(number(box.y))
    half_w, half_h = float(number(box.width)) / 2, float(number(box.height)) / 2
    return x - half_w, y - half_h, x + half_w, y + half_h

"""WikiPathways' submission rules: the checks beyond the schema (the rule table is :mod:`.findings`).

:func:`check_submission` looks at a parsed GPML 2013a ``<Pathway>`` (metadata, literature, identifiers, ids
and references, layout) and adds findings to a :class:`Findings`. It is pure: no I/O, no schema. The checks
read a :class:`Scan` of the pathway, which :mod:`.model_scan` also makes from the converter's model, so a
draft is checked before it is written, with the same rules and messages.
:mod:`converter.gpml.check`, the public entry point (``validate``), adds the input, declaration and schema
checks around it.

Example: on WP4290 ``check_submission`` names the DataNode whose GroupRef points to a Group that does not
exist (rule ``groupref``, an error).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter

from lxml import etree

from ..wikipathways import (
    DESCRIPTION_SOURCE,
    FORMATTED_LITERATURE,
    MIN_DESCRIPTION_WORDS,
    MIN_TITLE,
    new_pathway_version,
)
from .datasources import datasources, problem
from .findings import Findings, Mark, Where, describe, element_line
from .markup import BIOPAX_NS, RDF_NS, G, parse_authors

__all__ = ["Scan", "check_scan", "check_submission"]

_BP, _RDF_ID = "{" + BIOPAX_NS + "}", "{" + RDF_NS + "}id"
_COMMENT, _GRAPHICS, _BIOPAX, _BIOPAX_REF = (G + t for t in ("Comment", "Graphics", "Biopax", "BiopaxRef"))
_XREF, _DATA_NODE, _GROUP, _STATE = (G + t for t in ("Xref", "DataNode", "Group", "State"))
_INTERACTION, _POINT = G + "Interaction", G + "Point"
_LINES = {_INTERACTION, G + "GraphicalLine"}
_PUBLICATION, _PUBLICATION_ID, _PUBLICATION_DB = _BP + "PublicationXref", _BP + "ID", _BP + "DB"
_MIN_TITLE, _MIN_WORDS, _MIN_ANNOTATED = MIN_TITLE, MIN_DESCRIPTION_WORDS, 0.9
_FORMATTED = {name.casefold() for name in FORMATTED_LITERATURE}
_BOARD_SLACK = 1.0  # pixels: PathVisio rounds board sizes, so a node touching the edge is fine
_OVERLAP_SHARE = 0.5  # a DataNode "covers" another when it hides more than half of the smaller one
_Extent = tuple[float, float, float, float, Where]  # a DataNode's left, top, right, bottom, and where it is
# The loops over DataNodes, lines and Xrefs give attribute names as bytes: lxml then need not encode them.


def check_submission(root: etree._Element, findings: Findings) -> None:
    """Apply every submission rule to a GPML 2013a ``<Pathway>`` element, adding findings to ``findings``."""
    check_scan(_scan(root), findings)


def check_scan(scan: Scan, findings: Findings) -> None:
    """Apply every submission rule to what a pathway holds."""
    _check_metadata(scan, findings)
    _check_literature(scan, findings)
    _check_xrefs(scan, findings)
    _check_refs(scan, findings)
    _check_layout(scan, findings)


@dataclass(slots=True)
class Scan:
    """What the submission rules look at: the Pathway's attributes, counts, ids and refs, references,
    Xrefs, boxes. Read from a parsed file by :func:`_scan`, or from the model (:mod:`.model_scan`).

    Ids and refs are collected with ``None`` where an element has none: appending is cheaper than testing,
    and the checks drop the ``None``. ``pathway`` is where pathway-wide findings are: the root element of a
    parsed file (which also names the elements behind repeated ids), or the model's mark.
    """

    pathway: Where
    title: str | None = None
    organism: str | None = None
    author: str | None = None
    version: str | None = None
    descriptions: list[str] = field(default_factory=list)
    has_board: bool = False
    board: tuple[float, float] | None = None
    nodes: int = 0
    annotated: int = 0
    graph_ids: list[str | None] = field(default_factory=list)
    graph_refs: set[str | None] = field(default_factory=set)
    group_ids: list[str | None] = field(default_factory=list)
    group_refs: set[str | None] = field(default_factory=set)
    biopax_refs: list[tuple[str, Where]] = field(default_factory=list)  # a BiopaxRef's text, where it is
    publications: list[tuple[str, str, str | None, Where]] = field(default_factory=list)  # ID, DB, rdf:id
    xrefs: list[tuple[str, str, Where]] = field(default_factory=list)  # Database, ID, the Xref (or owner)
    loose: list[tuple[etree._Element, str]] = field(default_factory=list)
    boxes: list[_Extent] = field(default_factory=list)


def _scan(root: etree._Element) -> Scan:
    """One pass over the pathway's children; then the DataNodes and the lines (most of a pathway).

    The cost is in what Python touches (each child fetched, each attribute read): plain iteration fetches each
    child once, and costs less than lxml's tag filters, which are set up anew on every call. BiopaxRefs may
    sit in any element: lxml finds them in one walk in C. Xrefs are kept in the order the identifier rules
    report them: the DataNodes', then the lines', then the States'.
    """
    scan = Scan(root, root.get("Name"), root.get("Organism"), root.get("Author"), root.get("Version"))
    scan.biopax_refs = [(ref.text or "", ref) for ref in root.iter(_BIOPAX_REF)]
    add_id, add_group_ref = scan.graph_ids.append, scan.group_refs.add
    nodes, lines, states = [], [], []
    for el in root:
        tag = el.tag
        if tag == _DATA_NODE:
            nodes.append(el)
        elif tag in _LINES:
            lines.append(el)
        elif tag == _COMMENT:
            if el.get("Source") == DESCRIPTION_SOURCE:
                scan.descriptions.append(el.text or "")
        elif tag == _BIOPAX:
            scan.publications.extend(map(_publication, el.iterchildren(_PUBLICATION)))
        elif tag == _GRAPHICS:
            scan.has_board, scan.board = True, _board(el)
        elif isinstance(tag, str):  # Label, Shape, Group, State, InfoBox, Legend, Attribute; not comments
            add_id(el.get("GraphId"))
            add_group_ref(el.get("GroupRef"))
            if tag == _GROUP:
                scan.group_ids.append(el.get("GroupId", ""))
            elif tag == _STATE:
                scan.graph_refs.add(el.get("GraphRef"))
                states.append(el)
    _scan_nodes(nodes, scan)
    _scan_lines(lines, scan)
    for state in states:
        for xref in state.iterchildren(_XREF):
            _add_xref(xref, scan)
    return scan


def _publication(publication: etree._Element) -> tuple[str, str, str | None, Where]:
    identifier = _first_child(publication, _PUBLICATION_ID)
    database = _first_child(publication, _PUBLICATION_DB)
    ident = (identifier.text or "").strip() if identifier is not None else ""
    name = (database.text or "").strip() if database is not None else ""
    return ident, name, publication.get(_RDF_ID), publication


def _scan_nodes(nodes: list[etree._Element], scan: Scan) -> None:
    """DataNodes: their ids and Xrefs, and their boxes for the layout rules.

    The rules' hot loop, so written out flat.
    """
    add_id, add_group_ref, add_box = scan.graph_ids.append, scan.group_refs.add, scan.boxes.append
    annotated = 0
    graphics: etree._Element | None
    xref: etree._Element | None
    for node in nodes:
        add_id(node.get(b"GraphId"))
        add_group_ref(node.get(b"GroupRef"))
        try:
            graphics, xref = node[-2], node[-1]  # where the schema puts them
        except IndexError:
            graphics = xref = None
        if graphics is None or xref is None or graphics.tag != _GRAPHICS or xref.tag != _XREF:
            graphics, xref = _last_parts(node)
        if xref is not None:
            annotated += keep_xref(xref.get(b"Database", ""), xref.get(b"ID", ""), xref, scan)
        if graphics is None:
            continue
        get = graphics.get
        try:
            x, y = float(get(b"CenterX", "")), float(get(b"CenterY", ""))
            half_w, half_h = float(get(b"Width", "")) / 2, float(get(b"Height", "")) / 2
        except ValueError:
            continue  # missing or malformed: the schema rule reports it
        add_box((x - half_w, y - half_h, x + half_w, y + half_h, node))
    scan.nodes, scan.annotated = len(nodes), annotated


def _scan_lines(lines: list[etree._Element], scan: Scan) -> None:
    """Interactions and GraphicalLines: their ids and their points' and anchors', their ends, their Xrefs."""
    add_id, add_group_ref, add_refs = scan.graph_ids.append, scan.group_refs.add, scan.graph_refs.update
    for line in lines:
        add_id(line.get(b"GraphId"))
        add_group_ref(line.get(b"GroupRef"))
        graphics, xref = _last_parts(line)
        if xref is not None:
            _add_xref(xref, scan)
        if graphics is None:
            continue
        refs = []  # the Points' GraphRefs; None where a Point is not connected
        for part in graphics:  # Points, then Anchors
            add_id(part.get(b"GraphId"))
            if part.tag == _POINT:
                refs.append(part.get(b"GraphRef"))
        add_refs(refs)
        if len(refs) > 1 and (refs[0] is None or refs[-1] is None) and line.tag == _INTERACTION:
            loose = [name for name, end in (("start", refs[0]), ("end", refs[-1])) if end is None]
            where = "neither end is" if len(loose) == 2 else f"the {loose[0]} is not"
            scan.loose.append((line, where))


def _last_parts(el: etree._Element) -> tuple[etree._Element | None, etree._Element | None]:
    """The Graphics and Xref children, which the schema puts last."""
    count = len(el)
    last = el[-1] if count else None
    if last is not None and last.tag == _XREF:
        graphics: etree._Element | None = el[-2] if count > 1 else None
        xref: etree._Element | None = last
    else:
        graphics, xref = last, None
    if graphics is None or graphics.tag != _GRAPHICS:  # out of schema order: search
        graphics, xref = el.find(_GRAPHICS), el.find(_XREF)
    return graphics, xref


def keep_xref(database: str, identifier: str, where: Where, scan: Scan) -> bool:
    """Keep a filled-in Xref for the identifier rules; True when it has both a database and an ID (the
    node counts as annotated)."""
    filled_database, filled_id = database.strip(), identifier.strip()
    if filled_database or filled_id:
        scan.xrefs.append((database, identifier, where))
    return bool(filled_database and filled_id)


def _add_xref(xref: etree._Element, scan: Scan) -> None:
    keep_xref(xref.get(b"Database", ""), xref.get(b"ID", ""), xref, scan)


def _check_metadata(scan: Scan, findings: Findings) -> None:
    at, title = scan.pathway, scan.title
    if title is not None and len(title.strip()) < _MIN_TITLE:
        findings.add("title-length", f"the title {title!r} is shorter than {_MIN_TITLE} characters", at)
    for attribute, rule, value in (
        ("Organism", "organism", scan.organism),
        ("Author", "author", scan.author),
    ):
        if not (value or "").strip():
            findings.add(rule, f"the Pathway has no {attribute}; set it in the pathway's properties", at)
    _check_pipeline_metadata(scan, findings)
    # Split off at most _MIN_WORDS words: the count is exact below _MIN_WORDS, the only case it is shown.
    words = len(" ".join(scan.descriptions).split(maxsplit=_MIN_WORDS))
    if words < _MIN_WORDS:
        found = f"has {words} words" if words else "is missing"
        findings.add("description", f"the description {found}; write at least {_MIN_WORDS} words", at)
    else:
        first = len(scan.descriptions[0].split("\n", 1)[0].split(maxsplit=_MIN_WORDS))
        if first < _MIN_WORDS:
            findings.add(
                "description-first-line",
                f"the description's first line has {first} words; WikiPathways' pull-request check counts "
                f"that line only: put {_MIN_WORDS} or more words before the first line break",
                at,
            )
    board = scan.board
    if not scan.has_board:
        findings.add(
            "board-size", "no <Graphics BoardWidth=.. BoardHeight=..> in the Pathway; viewers need it", at
        )
    elif board is not None and min(board) <= 0:
        findings.add(
            "board-size", f"the board is {board[0]:g} x {board[1]:g}; both sizes must be positive", at
        )
    if not scan.nodes:
        findings.add(
            "data-nodes",
            "the pathway has no DataNode: nothing in it can be mapped or found; check the figure's genes",
            at,
        )
    elif scan.annotated <= _MIN_ANNOTATED * scan.nodes:
        share = f"{scan.annotated} of {scan.nodes} DataNodes ({100 * scan.annotated / scan.nodes:.0f}%)"
        findings.add("annotated-nodes", f"only {share} have a database identifier; aim for more than 90%", at)


def _check_pipeline_metadata(scan: Scan, findings: Findings) -> None:
    """Version and Author as WikiPathways' metadata and authors jobs read them."""
    root, version = scan.pathway, scan.version
    if version is None or "_" not in version:
        found = "has no Version" if version is None else f"has Version {version!r}, without '_'"
        findings.add(
            "version",
            f"the Pathway {found}: WikiPathways' metadata job splits it on '_' and crashes; "
            f'a new pathway takes Version="{new_pathway_version("<YYYYMMDDHHMMSS>")}"',
            root,
        )
    author = (scan.author or "").strip()
    if author and not (names := parse_authors(author)):
        found = "names no one" if names == () else f"is not written as [{author}]"
        findings.add(
            "author-list",
            f"Author {author!r} {found}: WikiPathways' authors job reads the user names between [ and ], "
            "separated by commas",
            root,
        )


def _check_literature(scan: Scan, findings: Findings) -> None:
    if not scan.publications:
        findings.add(
            "literature", "no literature reference; cite at least one (PubMed, DOI, ...)", scan.pathway
        )
    for ident, name, _, where in scan.publications:
        if not ident:
            findings.add(
                "empty-biopax-id", "a literature reference has an empty ID; fill it in or drop it", where
            )
        elif name.casefold() not in _FORMATTED:
            what = f"is a {name} reference" if name else "names no database (bp:DB)"
            findings.add(
                "literature-database",
                f"literature reference {ident!r} {what}: WikiPathways formats citations "
                f"for {', '.join(FORMATTED_LITERATURE)} only; cite the PubMed id or DOI",
                where,
            )
    citations = {rdf_id for _, _, rdf_id, _ in scan.publications}
    for text, where in scan.biopax_refs:
        if text.strip() not in citations:
            findings.add("biopaxref", f"BiopaxRef {text!r} names no reference in the Biopax section", where)


def _check_xrefs(scan: Scan, findings: Findings) -> None:
    accepts = _id_tests()
    for database, identifier, xref in scan.xrefs:
        accepted = accepts.get(database)
        if accepted is not None and identifier.strip() and accepted(identifier):
            continue  # the usual case, decided without problem() and its cache of every pair seen
        found = problem(database, identifier)
        if found is not None:
            if isinstance(xref, Mark):  # the model marks the node the Xref belongs to
                owner: Where = xref
            else:
                owner = xref if (parent := xref.getparent()) is None else parent
            rule = "xref-database" if found[0] == "database" else "xref-id-pattern"
            line = None if isinstance(xref, Mark) else _line(xref)
            findings.add(rule, f"{describe(owner)}: {found[1]}", owner, line)


def _check_refs(scan: Scan, findings: Findings) -> None:
    graph_ids, group_ids = set(scan.graph_ids), set(scan.group_ids)
    repeated_graph = _repeated(scan.graph_ids, graph_ids)
    repeated_group = _repeated(scan.group_ids, group_ids)
    dangling_graph, dangling_group = scan.graph_refs - graph_ids, scan.group_refs - group_ids
    dangling_graph.discard(None)
    dangling_group.discard(None)
    if repeated_graph or repeated_group or dangling_graph or dangling_group:  # rare
        duplicates = {f"GraphId {key!r}" for key in repeated_graph}
        duplicates.update(f"GroupId {key!r}" for key in repeated_group)
        dangling = {f"GraphRef {ref!r}" for ref in dangling_graph}
        dangling.update(f"GroupRef {ref!r}" for ref in dangling_group)
        if isinstance(scan.pathway, Mark):  # the model, with no lines to name: say what is wrong
            for what in sorted(duplicates):
                findings.add("unique-graphid", f"{what} is used more than once", scan.pathway)
            for what in sorted(dangling):
                rule, target = (
                    ("groupref", "Group") if what.startswith("GroupRef") else ("graphref", "element")
                )
                findings.add(rule, f"{what} names no {target} in this pathway", scan.pathway)
            return
        _report_refs(scan.pathway, duplicates, dangling, findings)


def _repeated(ids: list[str | None], distinct: set[str | None]) -> list[str | None]:
    """The ids given more than once, ``None`` aside; ``distinct`` is their set, so none are found cheaply."""
    if len(distinct) + ids.count(None) - (None in distinct) == len(ids):
        return []  # every id given once: the usual case
    return [key for key, count in Counter(ids).items() if count > 1 and key is not None]


def _report_refs(root: etree._Element, duplicates: set[str], dangling: set[str], findings: Findings) -> None:
    """Name the elements behind repeated ids and dangling refs, in document order."""
    first: dict[str, etree._Element] = {}
    for el in root.iter(G + "*"):
        for key in ("GraphId", "GroupId", "GraphRef", "GroupRef"):
            what = f"{key} {el.get(key)!r}"
            if what in duplicates and first.setdefault(what, el) is not el:
                where = f"on line {_line(first[what])}" if _line(first[what]) else "by another element"
                findings.add("unique-graphid", f"{what} is also used {where}", el)
            elif what in dangling:
                owner = next(el.iterancestors(*_LINES), el) if el.tag == _POINT else el
                target = "Group" if key == "GroupRef" else "element"
                findings.add(key.lower(), f"{describe(owner)}: {what} names no {target} in this pathway", el)


def _check_layout(scan: Scan, findings: Findings) -> None:
    board = scan.board
    for line, where in scan.loose:
        findings.add("interaction-ends", f"{describe(line)}: {where} connected to a node", line)
    if board is not None and min(board) > 0:
        low, right_edge, bottom_edge = -_BOARD_SLACK, board[0] + _BOARD_SLACK, board[1] + _BOARD_SLACK
        for left, top, right, bottom, node in scan.boxes:
            if left < low or top < low or right > right_edge or bottom > bottom_edge:
                message = f"{describe(node)} lies (partly) off the {board[0]:g} x {board[1]:g} board"
                findings.add("inside-board", message, node)
    _check_overlap(scan.boxes, findings)


def _check_overlap(boxes: list[_Extent], findings: Findings) -> None:
    """Sweep the boxes left to right, keeping those that reach past the current one's left edge."""
    active: list[_Extent] = []
    for box in sorted(boxes, key=itemgetter(0)):
        left, top, right, bottom, el = box
        active = [other for other in active if other[2] > left]
        for o_left, o_top, o_right, o_bottom, o_el in active:
            if o_bottom <= top or bottom <= o_top:
                continue  # one above the other: the common case, so tested first
            height = (bottom if bottom < o_bottom else o_bottom) - (top if top > o_top else o_top)
            covered = ((right if right < o_right else o_right) - left) * height  # the sweep: o_left <= left
            smaller = min((right - left) * (bottom - top), (o_right - o_left) * (o_bottom - o_top))
            if height > 0 and covered > _OVERLAP_SHARE * smaller:
                findings.add("overlap", f"{describe(el)} and {describe(o_el)} cover each other", el)
        active.append(box)


def _board(graphics: etree._Element) -> tuple[float, float] | None:
    try:
        return float(graphics.get("BoardWidth", "")), float(graphics.get("BoardHeight", ""))
    except ValueError:
        return None  # missing or malformed: the schema rule reports it


@cache
def _id_tests() -> dict[str, Callable[[str], object]]:
    """Each data source's identifier test by name: its pattern's ``fullmatch``, or one that accepts any."""
    return {
        name: source.matches if source.pattern is None else source.pattern.fullmatch
        for name, source in datasources().items()
    }


def _first_child(el: etree._Element, tag: str) -> etree._Element | None:
    """The first child with this tag, as ``el.find(tag)`` but without ElementPath's overhead."""
    for child in el:
        if child.tag == tag:
            return child
    return None


_line = element_line

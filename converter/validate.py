"""Validate GPML the way WikiPathways does: the GPML 2013a schema, submission rules and identifiers.

Validation returns data, a list of :class:`Finding`; it never prints and never raises for bad input. Rule ids,
severities and the reasons for them are in :data:`RULES` and ``docs/rules.md``.

Example: ``validate(Path("WP1.gpml"))`` is ``[]`` for the live Statin pathway; for WP4290 it names the
DataNode whose GroupRef points to a Group that does not exist (rule ``groupref``, an error).
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, cast

from lxml import etree

from .datasources import problem
from .errors import SchemaError
from .gpml import BIOPAX_NS, GPML_NS, KNOWN_NAMESPACES, MAX_GPML_BYTES, RDF_NS, parse_gpml

__all__ = [
    "RULES",
    "RULE_SETS",
    "Finding",
    "Rule",
    "has_errors",
    "iter_gpml_paths",
    "validate",
    "validate_paths",
    "validate_tree",
]

ERROR, WARNING = "error", "warning"
RULE_SETS = ("schema", "submission", "all")


@dataclass(frozen=True)
class Finding:
    """One problem in one file: the rule, its severity, what to do, and where (line, GraphId)."""

    file: str
    rule: str
    severity: str
    message: str
    line: int | None = None
    element: str = ""


@dataclass(frozen=True)
class Rule:
    """A rule: id, severity, the rule set it belongs to (``input`` rules always run), one line on it."""

    id: str
    severity: str
    scope: str
    description: str


RULES: dict[str, Rule] = {
    row[0]: Rule(*row)
    for row in (
        ("file-read", ERROR, "input", "The file can be read and is at most 64 MiB."),
        ("xml-well-formed", ERROR, "input", "The file is well-formed XML without a DOCTYPE."),
        ("gpml-version", ERROR, "input", "The document is GPML 2013a, the format WikiPathways stores."),
        ("schema", ERROR, "schema", "The document is valid against GPML2013a.xsd."),
        ("encoding", ERROR, "submission", "The file is UTF-8 (declared encoding, no UTF-16)."),
        ("xml-declaration", WARNING, "submission", "The file starts with <?xml ... encoding=...?>."),
        ("title-length", WARNING, "submission", "The title has at least 10 characters."),
        ("organism", ERROR, "submission", "The Pathway names its Organism."),
        ("author", ERROR, "submission", "The Pathway names its Author(s)."),
        ("board-size", ERROR, "submission", "The Pathway's Graphics gives a positive board size."),
        ("description", WARNING, "submission", "A WikiPathways-description Comment of 15 words or more."),
        ("literature", WARNING, "submission", "At least one literature reference (bp:PublicationXref)."),
        ("empty-biopax-id", WARNING, "submission", "No literature reference with an empty bp:ID."),
        ("annotated-nodes", WARNING, "submission", "More than 90% of DataNodes have a database and ID."),
        ("xref-database", WARNING, "submission", "Every Xref Database is a data source BridgeDb knows."),
        (
            "xref-id-pattern",
            WARNING,
            "submission",
            "Every Xref ID matches BridgeDb's pattern for its database.",
        ),
        ("unique-graphid", ERROR, "submission", "No GraphId, and no Group GroupId, is used twice."),
        ("groupref", ERROR, "submission", "Every GroupRef names an existing Group."),
        ("graphref", ERROR, "submission", "Every GraphRef names an existing element."),
        ("biopaxref", WARNING, "submission", "Every BiopaxRef names a reference in the Biopax section."),
        ("interaction-ends", WARNING, "submission", "Every Interaction is connected at both ends."),
        ("inside-board", WARNING, "submission", "Every DataNode lies on the board."),
        ("overlap", WARNING, "submission", "No DataNode covers more than half of another."),
    )
}

_G, _BP, _RDF_ID = "{" + GPML_NS + "}", "{" + BIOPAX_NS + "}", "{" + RDF_NS + "}id"
_COMMENT, _GRAPHICS, _BIOPAX, _BIOPAX_REF = (_G + t for t in ("Comment", "Graphics", "Biopax", "BiopaxRef"))
_XREF, _DATA_NODE, _GROUP, _STATE = (_G + t for t in ("Xref", "DataNode", "Group", "State"))
_INTERACTION, _POINT, _ANCHOR = (_G + t for t in ("Interaction", "Point", "Anchor"))
_BOXED = {_DATA_NODE, _G + "Label", _G + "Shape"}
_LINES = {_INTERACTION, _G + "GraphicalLine"}
_DESCRIPTION_SOURCE = "WikiPathways-description"
_MIN_TITLE, _MIN_WORDS, _MIN_ANNOTATED = 10, 15, 0.9
_BOARD_SLACK = 1.0  # pixels: PathVisio rounds board sizes, so a node touching the edge is fine
_OVERLAP_SHARE = 0.5  # a DataNode "covers" another when it hides more than half of the smaller one
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_DUPLICATE_ID = re.compile(r"attribute 'GraphId': '([^']*)' is not a valid value of the atomic type 'xs:ID'")
_NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_THREAD = threading.local()
_COMPILING = threading.Lock()  # libxml2 initialises its schema types lazily, not thread-safely
Box = tuple[float, float, float, float]


def validate(source: bytes | str | Path, rules: str = "all", name: str | None = None) -> list[Finding]:
    """Validate GPML given as bytes or as a file path (a ``str`` is a path); never raises for bad input."""
    _check_rules(rules)
    if isinstance(source, bytes):
        label, data = name or "<bytes>", source
    else:
        path = Path(source)
        label = name or str(path)
        try:
            if path.stat().st_size > MAX_GPML_BYTES:
                return [_fail(label, "file-read", f"larger than {MAX_GPML_BYTES // 2**20} MiB, not read")]
            data = path.read_bytes()
        except OSError as exc:
            return [_fail(label, "file-read", f"cannot read the file: {exc.strerror or exc}")]
    try:
        tree = parse_gpml(data)
    except SchemaError as exc:
        cause = exc.__cause__
        if isinstance(cause, etree.XMLSyntaxError):
            message = f"not well-formed XML: {cause.msg}; fix it in an editor, or re-save it from PathVisio"
            return [_fail(label, "xml-well-formed", message, cause.lineno)]
        return [_fail(label, "file-read", str(exc).removeprefix("<bytes>: "))]
    return validate_tree(tree, rules, label, raw=data)


def validate_tree(
    tree: etree._ElementTree, rules: str = "all", name: str = "<gpml>", raw: bytes | None = None
) -> list[Finding]:
    """Validate a parsed or freshly built GPML tree; ``raw`` (the file's bytes) adds the declaration rules."""
    _check_rules(rules)
    report = _Report(name)
    root = tree.getroot()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        report.add(
            "xml-well-formed", "has a DOCTYPE: GPML never declares one (entities are not expanded)", line=1
        )
        return report.findings
    if not _check_version(root, report):
        return report.findings
    submission = rules in ("submission", "all")
    if submission:
        if raw is not None:
            _check_declaration(raw, report)
        _check_submission(root, report)
    if rules in ("schema", "all"):
        _check_schema(tree, report, duplicates_reported=submission)
    return sorted(report.findings, key=lambda f: f.line or 0)


def validate_paths(
    paths: Iterable[Path], rules: str = "all", workers: int | None = None
) -> Iterator[tuple[Path, list[Finding]]]:
    """Validate many files, yielding (path, findings) in order; ``workers`` threads (default: CPUs, max 4).

    libxml2 parses without holding the GIL, so one file's parsing overlaps another's checks.
    """
    _check_rules(rules)
    files = list(paths)
    workers = workers or min(4, os.cpu_count() or 1)
    if workers == 1 or len(files) < 2:
        yield from ((path, validate(path, rules)) for path in files)
        return
    with ThreadPoolExecutor(workers) as pool:
        yield from zip(files, pool.map(lambda path: validate(path, rules), files), strict=True)


def iter_gpml_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, folders searched recursively for ``*.gpml`` (sorted); each path once."""
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        found = sorted(p for p in path.rglob("*.gpml") if p.is_file()) if path.is_dir() else [path]
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is error-level (the CLI's exit code 1)."""
    return any(f.severity == ERROR for f in findings)


class _Report:
    """Collects the findings for one file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.findings: list[Finding] = []

    def add(self, rule: str, message: str, el: etree._Element | None = None, line: int | None = None) -> None:
        element = ""
        if el is not None:
            line = line or _line(el)
            element = el.get("GraphId") or el.get("GroupId") or el.get(_RDF_ID) or ""
        self.findings.append(Finding(self.name, rule, RULES[rule].severity, message, line, element))


def _check_rules(rules: str) -> None:
    if rules not in RULE_SETS:
        raise ValueError(f"rules must be one of {', '.join(RULE_SETS)}; got {rules!r}")


def _fail(name: str, rule: str, message: str, line: int | None = None) -> Finding:
    return Finding(name, rule, RULES[rule].severity, message, line)


@cache
def _xsd() -> bytes:
    return resources.files("converter.schemas").joinpath("GPML2013a.xsd").read_bytes()


def _schema() -> etree.XMLSchema:
    """GPML2013a.xsd, compiled once per thread: a validator's error log cannot be shared between threads."""
    schema: etree.XMLSchema | None = getattr(_THREAD, "schema", None)
    if schema is None:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        with _COMPILING:
            schema = _THREAD.schema = etree.XMLSchema(etree.fromstring(_xsd(), parser))
    return schema


def _check_version(root: etree._Element, report: _Report) -> bool:
    qname = etree.QName(root)
    if qname.namespace == GPML_NS and qname.localname == "Pathway":
        return True
    version = KNOWN_NAMESPACES.get(qname.namespace or "")
    if version and qname.localname == "Pathway":
        message = (
            f"this is {version} ({qname.namespace}), not GPML 2013a, the format WikiPathways stores; "
            "convert it (PathVisio opens it and saves GPML 2013a) and validate again"
        )
    else:
        found = f"<{qname.localname}> in namespace {qname.namespace or '(none)'}"
        message = f'not a GPML pathway: the root is {found}; expected <Pathway xmlns="{GPML_NS}">'
    report.add("gpml-version", message, root)
    return False


def _check_declaration(raw: bytes, report: _Report) -> None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add("encoding", "the file is UTF-16; save it as UTF-8", line=1)
        return
    declaration = _DECLARATION.match(raw)
    encoding = _ENCODING.search(declaration.group()) if declaration else None
    if encoding is None:
        missing = "no XML declaration" if declaration is None else "the XML declaration names no encoding"
        report.add("xml-declaration", f'{missing}; start with <?xml version="1.0" encoding="UTF-8"?>', line=1)
        return
    declared = encoding.group(1).decode("ascii", "replace")
    if declared.upper() not in ("UTF-8", "UTF8"):
        report.add("encoding", f"declared encoding is {declared!r}; save the file as UTF-8", line=1)


def _check_schema(tree: etree._ElementTree, report: _Report, duplicates_reported: bool) -> None:
    schema = _schema()
    if schema.validate(tree):
        return
    for error in cast("Iterable[Any]", schema.error_log):  # lxml-stubs lack _LogEntry
        message = error.message.replace(_G, "")
        duplicate = _DUPLICATE_ID.search(error.message)
        if duplicate and _NCNAME.fullmatch(duplicate.group(1)):  # a well-formed xs:ID, so a repeated one
            if duplicates_reported:
                continue  # unique-graphid names it, with the line of its first use
            message = f"GraphId {duplicate.group(1)!r} is used by more than one element"
        found = tree.xpath(error.path) if error.path else None
        el = found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None
        report.add("schema", message, el, line=error.line or None)


@dataclass
class _Scan:
    """What the submission rules look at, gathered in one walk over the pathway's top two levels."""

    descriptions: list[str] = field(default_factory=list)
    board: etree._Element | None = None
    nodes: int = 0
    annotated: int = 0
    graph_ids: list[str] = field(default_factory=list)
    graph_refs: set[str] = field(default_factory=set)
    group_ids: list[str] = field(default_factory=list)
    group_refs: set[str] = field(default_factory=set)
    biopax_refs: list[etree._Element] = field(default_factory=list)
    publications: list[etree._Element] = field(default_factory=list)
    xrefs: list[etree._Element] = field(default_factory=list)
    loose: list[tuple[etree._Element, str]] = field(default_factory=list)
    boxes: list[tuple[Box, etree._Element]] = field(default_factory=list)


def _scan(root: etree._Element) -> _Scan:
    scan = _Scan()
    for el in root.iterchildren(tag=etree.Element):
        tag = el.tag
        if tag in _BOXED:
            _scan_boxed(el, tag, scan)
        elif tag in _LINES:
            _scan_line(el, tag, scan)
        elif tag == _COMMENT:
            if el.get("Source") == _DESCRIPTION_SOURCE:
                scan.descriptions.append(el.text or "")
        elif tag == _BIOPAX:
            scan.publications.extend(el.iterchildren(_BP + "PublicationXref"))
        elif tag == _BIOPAX_REF:
            scan.biopax_refs.append(el)
        elif tag == _GRAPHICS:
            scan.board = el
        else:  # Group, State, InfoBox, Legend, Attribute
            _scan_ids(el, scan)
            if tag == _GROUP:
                scan.group_ids.append(el.get("GroupId", ""))
            elif tag == _STATE:
                if (graph_ref := el.get("GraphRef")) is not None:
                    scan.graph_refs.add(graph_ref)
                scan.xrefs.extend(x for x in el.iterchildren(_XREF) if x.get("Database") or x.get("ID"))
            scan.biopax_refs.extend(el.iterchildren(_BIOPAX_REF))
    return scan


def _scan_ids(el: etree._Element, scan: _Scan) -> None:
    if (graph_id := el.get("GraphId")) is not None:
        scan.graph_ids.append(graph_id)
    if (group_ref := el.get("GroupRef")) is not None:
        scan.group_refs.add(group_ref)


def _last_parts(el: etree._Element, scan: _Scan) -> tuple[etree._Element | None, etree._Element | None]:
    """The Graphics and Xref children, which the schema puts last; collects the BiopaxRefs before them."""
    count = len(el)
    last = el[count - 1] if count else None
    if last is not None and last.tag == _XREF:
        graphics: etree._Element | None = el[count - 2] if count > 1 else None
        xref: etree._Element | None = last
    else:
        graphics, xref = last, None
    if graphics is None or graphics.tag != _GRAPHICS:  # out of schema order: search
        graphics, xref = el.find(_GRAPHICS), el.find(_XREF)
    if count > (xref is not None) + (graphics is not None):
        scan.biopax_refs.extend(el.iterchildren(_BIOPAX_REF))
    return graphics, xref


def _scan_boxed(el: etree._Element, tag: str, scan: _Scan) -> None:
    """A DataNode, Label or Shape: its ids and citations; for a DataNode also its box and Xref."""
    _scan_ids(el, scan)
    graphics, xref = _last_parts(el, scan)
    if tag == _DATA_NODE:
        scan.nodes += 1
        if xref is not None:
            database, identifier = xref.get("Database", "").strip(), xref.get("ID", "").strip()
            if database or identifier:
                scan.xrefs.append(xref)
                scan.annotated += bool(database and identifier)
    if graphics is not None and tag == _DATA_NODE:  # Labels and Shapes are decoration: no geometry rules
        get = graphics.get
        try:
            x, y = float(get("CenterX", "")), float(get("CenterY", ""))
            half_w, half_h = float(get("Width", "")) / 2, float(get("Height", "")) / 2
        except ValueError:
            return  # missing or malformed: the schema rule reports it
        scan.boxes.append(((x - half_w, y - half_h, x + half_w, y + half_h), el))


def _scan_line(line: etree._Element, tag: str, scan: _Scan) -> None:
    """An Interaction or GraphicalLine: its ids and its points' and anchors', its ends, its Xref."""
    _scan_ids(line, scan)
    graphics, xref = _last_parts(line, scan)
    if xref is not None and (xref.get("Database", "").strip() or xref.get("ID", "").strip()):
        scan.xrefs.append(xref)
    if graphics is None:
        return
    ends: list[str | None] = []
    for part in graphics:  # Points, then Anchors
        if (graph_id := part.get("GraphId")) is not None:
            scan.graph_ids.append(graph_id)
        if part.tag == _POINT:
            ends.append(ref := part.get("GraphRef"))
            if ref is not None:
                scan.graph_refs.add(ref)
    if tag == _INTERACTION and len(ends) > 1 and (ends[0] is None or ends[-1] is None):
        loose = [name for name, end in (("start", ends[0]), ("end", ends[-1])) if end is None]
        where = "neither end is" if len(loose) == 2 else f"the {loose[0]} is not"
        scan.loose.append((line, where))


def _check_submission(root: etree._Element, report: _Report) -> None:
    scan = _scan(root)
    _check_metadata(root, scan, report)
    _check_literature(root, scan, report)
    _check_xrefs(scan, report)
    _check_refs(root, scan, report)
    _check_layout(scan, report)


def _check_metadata(root: etree._Element, scan: _Scan, report: _Report) -> None:
    title = root.get("Name")
    if title is not None and len(title.strip()) < _MIN_TITLE:
        report.add("title-length", f"the title {title!r} is shorter than {_MIN_TITLE} characters", root)
    for attribute, rule in (("Organism", "organism"), ("Author", "author")):
        if not (root.get(attribute) or "").strip():
            report.add(rule, f"the Pathway has no {attribute}; set it in the pathway's properties", root)
    words = len(" ".join(scan.descriptions).split())
    if words < _MIN_WORDS:
        found = f"has {words} words" if words else "is missing"
        report.add("description", f"the description {found}; write at least {_MIN_WORDS} words", root)
    board = _board(scan)
    if scan.board is None:
        report.add(
            "board-size", "no <Graphics BoardWidth=.. BoardHeight=..> in the Pathway; viewers need it", root
        )
    elif board is not None and min(board) <= 0:
        report.add(
            "board-size", f"the board is {board[0]:g} x {board[1]:g}; both sizes must be positive", root
        )
    if scan.nodes and scan.annotated <= _MIN_ANNOTATED * scan.nodes:
        share = f"{scan.annotated} of {scan.nodes} DataNodes ({100 * scan.annotated / scan.nodes:.0f}%)"
        report.add("annotated-nodes", f"only {share} have a database identifier; aim for more than 90%", root)


def _check_literature(root: etree._Element, scan: _Scan, report: _Report) -> None:
    if not scan.publications:
        report.add("literature", "no literature reference; cite at least one (PubMed, DOI, ...)", root)
    for publication in scan.publications:
        identifier = publication.find(_BP + "ID")
        if identifier is None or not (identifier.text or "").strip():
            report.add(
                "empty-biopax-id",
                "a literature reference has an empty ID; fill it in or drop it",
                publication,
            )
    citations = {publication.get(_RDF_ID) for publication in scan.publications}
    for ref in scan.biopax_refs:
        if (ref.text or "").strip() not in citations:
            report.add("biopaxref", f"BiopaxRef {ref.text!r} names no reference in the Biopax section", ref)


def _check_xrefs(scan: _Scan, report: _Report) -> None:
    for xref in scan.xrefs:
        found = problem(xref.get("Database", ""), xref.get("ID", ""))
        if found is not None:
            owner = next(xref.iterancestors(), xref)
            rule = "xref-database" if found[0] == "database" else "xref-id-pattern"
            report.add(rule, f"{_describe(owner)}: {found[1]}", owner, _line(xref))


def _check_refs(root: etree._Element, scan: _Scan, report: _Report) -> None:
    graph_ids, group_ids = Counter(scan.graph_ids), Counter(scan.group_ids)
    duplicates = {f"GraphId {key!r}" for key, count in graph_ids.items() if count > 1}
    duplicates.update(f"GroupId {key!r}" for key, count in group_ids.items() if count > 1)
    dangling = {f"GraphRef {ref!r}" for ref in scan.graph_refs - graph_ids.keys()}
    dangling.update(f"GroupRef {ref!r}" for ref in scan.group_refs - group_ids.keys())
    if not duplicates and not dangling:
        return
    first: dict[str, etree._Element] = {}
    for el in root.iter(_G + "*"):  # rare: find the elements behind the broken ids, in document order
        for key in ("GraphId", "GroupId", "GraphRef", "GroupRef"):
            what = f"{key} {el.get(key)!r}"
            if what in duplicates and first.setdefault(what, el) is not el:
                where = f"on line {_line(first[what])}" if _line(first[what]) else "by another element"
                report.add("unique-graphid", f"{what} is also used {where}", el)
            elif what in dangling:
                owner = next(el.iterancestors(*_LINES), el) if el.tag == _POINT else el
                target = "Group" if key == "GroupRef" else "element"
                report.add(key.lower(), f"{_describe(owner)}: {what} names no {target} in this pathway", el)


def _check_layout(scan: _Scan, report: _Report) -> None:
    for el, where in scan.loose:
        report.add("interaction-ends", f"{_describe(el)}: {where} connected to a node", el)
    board = _board(scan)
    if board is not None and min(board) > 0:
        right_edge, bottom_edge = board[0] + _BOARD_SLACK, board[1] + _BOARD_SLACK
        for (left, top, right, bottom), el in scan.boxes:
            if left < -_BOARD_SLACK or top < -_BOARD_SLACK or right > right_edge or bottom > bottom_edge:
                message = f"{_describe(el)} lies (partly) off the {board[0]:g} x {board[1]:g} board"
                report.add("inside-board", message, el)
    nodes = sorted(scan.boxes, key=lambda item: item[0][0])
    active: list[tuple[Box, etree._Element]] = []
    for box, el in nodes:  # sweep left to right, keeping the boxes that reach past this one's left edge
        left, top, right, bottom = box
        active = [item for item in active if item[0][2] > left]
        for (o_left, o_top, o_right, o_bottom), other in active:
            height = min(bottom, o_bottom) - max(top, o_top)
            if height > 0:
                covered = (min(right, o_right) - left) * height  # the sweep ensures o_left <= left
                smaller = min((right - left) * (bottom - top), (o_right - o_left) * (o_bottom - o_top))
                if covered > _OVERLAP_SHARE * smaller:
                    report.add("overlap", f"{_describe(el)} and {_describe(other)} cover each other", el)
        active.append((box, el))


def _board(scan: _Scan) -> tuple[float, float] | None:
    if scan.board is None:
        return None
    try:
        return float(scan.board.get("BoardWidth", "")), float(scan.board.get("BoardHeight", ""))
    except ValueError:
        return None  # missing or malformed: the schema rule reports it


def _line(el: etree._Element) -> int | None:
    line = el.sourceline  # None for elements built in memory
    return line if isinstance(line, int) else None


def _describe(el: etree._Element) -> str:
    kind = el.tag.rpartition("}")[2] if isinstance(el.tag, str) else "node"
    label = el.get("TextLabel")
    return f"{kind} {label!r}" if label else kind

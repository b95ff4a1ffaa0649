"""The rule table and the findings it gives: one id, severity and description per rule, for every check.

``docs/rules.md`` says why each rule has its severity and how often it fires on the live pathways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from .markup import RDF_NS

__all__ = [
    "ERROR",
    "RULES",
    "WARNING",
    "Finding",
    "Findings",
    "Mark",
    "Rule",
    "Where",
    "describe",
    "has_errors",
]

_RDF_ID = "{" + RDF_NS + "}id"

ERROR, WARNING = "error", "warning"


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
        (
            "xml-declaration",
            ERROR,
            "submission",
            'The file starts with <?xml version="1.0" encoding="UTF-8"?>, the form gpml2pvjson reads.',
        ),
        ("title-length", WARNING, "submission", "The title has at least 10 characters."),
        ("organism", ERROR, "submission", "The Pathway names its Organism."),
        (
            "organism-last",
            WARNING,
            "submission",
            "Organism is the last attribute of a one-line <Pathway ...> start tag.",
        ),
        ("version", ERROR, "submission", "The Pathway has a Version with '_', as WP<id>_r<revision>."),
        ("author", ERROR, "submission", "The Pathway names its Author(s)."),
        ("author-list", WARNING, "submission", "Author is a bracketed list of user names: [a, b]."),
        ("board-size", ERROR, "submission", "The Pathway's Graphics gives a positive board size."),
        ("description", WARNING, "submission", "A WikiPathways-description Comment of 15 words or more."),
        (
            "description-first-line",
            WARNING,
            "submission",
            "The description's first line alone has 15 words or more.",
        ),
        ("literature", WARNING, "submission", "At least one literature reference (bp:PublicationXref)."),
        ("empty-biopax-id", WARNING, "submission", "No literature reference with an empty bp:ID."),
        (
            "literature-database",
            WARNING,
            "submission",
            "Every literature reference is a PubMed, DOI or ISBN one, which WikiPathways can format.",
        ),
        ("data-nodes", WARNING, "submission", "The pathway has at least one DataNode."),
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


class Findings:
    """Collects the findings for one file (``items``), each with its rule's severity."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Finding] = []

    def add(self, rule: str, message: str, el: Where | None = None, line: int | None = None) -> None:
        """Add a finding; ``el`` gives its line (unless ``line`` is given) and GraphId, GroupId or rdf:id."""
        element = ""
        if isinstance(el, Mark):
            element = el.graph_id
        elif el is not None:
            line = line or element_line(el)
            element = el.get("GraphId") or el.get("GroupId") or el.get(_RDF_ID) or ""
        self.items.append(Finding(self.name, rule, RULES[rule].severity, message, line, element))


class Mark(NamedTuple):
    """An element of a pathway not read from a file (the converter's model): its kind, label and id."""

    kind: str
    label: str = ""
    graph_id: str = ""


#: Where a finding is: an element of a parsed file, or a mark for one of the model.
Where = etree._Element | Mark


def describe(where: Where) -> str:
    """How a message names an element: ``DataNode 'JAK1'``, or its kind alone without a label."""
    if isinstance(where, Mark):
        kind, label = where.kind, where.label
    else:
        kind = where.tag.rpartition("}")[2] if isinstance(where.tag, str) else "node"
        label = where.get("TextLabel") or ""
    return f"{kind} {label!r}" if label else kind


def has_errors(findings: Iterable[Finding]) -> bool:
    """True when any finding is error-level: WikiPathways' pipeline would fail on the file."""
    return any(f.severity == ERROR for f in findings)


def element_line(el: etree._Element) -> int | None:
    """The line an element starts on, or None for one built in memory."""
    line = el.sourceline
    return line if isinstance(line, int) else None

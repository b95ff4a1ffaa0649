"""The pathway model: plain immutable records that know no file format.

Coordinates follow GPML: ``x`` and ``y`` are the centre of a box, in pixels.

The types a draft makes by the dozen (Xref, Box, DataNode, Label) are named tuples rather than
frozen dataclasses: a frozen dataclass sets each field through ``object.__setattr__``, which made
building them two to three times slower, and nothing here needs what a dataclass adds
(``dataclasses.replace`` becomes ``_replace``). The rest, made once per pathway, stay dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

__all__ = [
    "Box",
    "Citation",
    "DataNode",
    "Group",
    "Label",
    "Pathway",
    "Xref",
]


class Xref(NamedTuple):
    """A database reference, with the database named as BridgeDb names it.

    Example: ``Xref("Entrez Gene", "3716")`` for JAK1.
    """

    database: str
    id: str


class Box(NamedTuple):
    """A rectangle given by its centre and size."""

    x: float
    y: float
    width: float
    height: float

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def top(self) -> float:
        return self.y - self.height / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height / 2


class DataNode(NamedTuple):
    """A gene product, metabolite or other entity drawn as a box.

    ``type`` is a GPML DataNode Type such as ``GeneProduct`` or ``Metabolite``.
    ``xref`` is None when the entity could not be annotated.
    """

    graph_id: str
    label: str
    type: str
    xref: Xref | None
    box: Box
    comment: str = ""
    group: str = ""


class Label(NamedTuple):
    """Free text on the canvas, optionally a link (``href``)."""

    graph_id: str
    text: str
    box: Box
    href: str = ""
    font_size: int = 12
    bold: bool = False
    comment: str = ""
    align: str = "Center"  # GPML Align: Left, Center or Right


@dataclass(frozen=True)
class Group:
    """A named set of nodes (their ``group`` is this ``group_id``), e.g. a gene family."""

    group_id: str
    graph_id: str
    label: str = ""
    style: str = "Group"


@dataclass(frozen=True)
class Citation:
    """A literature reference (BioPAX PublicationXref).

    ``database`` is ``DOI``, ``PubMed`` or ``PMC``; ``id`` is never empty.
    """

    ref_id: str
    database: str
    id: str
    title: str = ""
    source: str = ""
    year: str = ""
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pathway:
    """A whole pathway: metadata, nodes, labels and references.

    ``authors`` are WikiPathways user names; ``version`` is ``WP<id>_r<revision>`` (``WP0_r…`` for a new
    pathway); ``last_modified`` is ``YYYYMMDDHHMMSS``.
    """

    name: str
    organism: str
    authors: tuple[str, ...] = ()
    data_source: str = ""
    version: str = ""
    last_modified: str = ""
    description: str = ""
    comments: tuple[tuple[str, str], ...] = ()  # (source, text) beside the description
    board_width: float = 0.0
    board_height: float = 0.0
    nodes: tuple[DataNode, ...] = ()
    labels: tuple[Label, ...] = ()
    groups: tuple[Group, ...] = ()
    citations: tuple[Citation, ...] = ()
    ontology_terms: tuple[tuple[str, str, str], ...] = ()

"""A pathway as a set of genes: the Entrez Gene ids of its gene nodes, and how many could not be mapped.

Any GPML 2013a file is read the same way, a WikiPathways pathway, a draft or a curator's own: its gene
nodes are the DataNodes of Type GeneProduct, Protein, Rna or Dna, and any other DataNode whose Xref names a
gene database (:data:`~.xrefs.GENE_DATABASES`); each one's Xref is mapped to an Entrez Gene id of the
pathway's organism (:mod:`.xrefs`), and those without one (an empty Xref, an id no table maps) are counted.

Example: ``read_gene_set(Path("pathways/WP554/WP554.gpml"))`` gives ``GeneSet("WP554", "ACE inhibitor
pathway", "Homo sapiens", frozenset({183, 185, …}), nodes=…, unmapped=…)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from lxml import etree

from ..errors import SchemaError
from ..gpml.markup import G, not_gpml_2013a
from ..gpml.reader import MAX_GPML_BYTES, read_gpml_bytes
from ..model import Pathway
from ..wikipathways import organism_named
from .xrefs import ENTREZ, GENE_DATABASES, EntrezMapper, entrez_id, entrez_mapper

__all__ = ["GENE_TYPES", "GeneSet", "organism_key", "pathway_gene_set", "pathway_id", "read_gene_set"]

#: DataNode Types that are genes or their products (compared without case: live pathways write RNA too).
GENE_TYPES = frozenset({"geneproduct", "protein", "rna", "dna"})
_WP_ID = re.compile(r"WP[1-9]\d*")
_PATHWAY, _DATA_NODE, _XREF = G + "Pathway", G + "DataNode", G + "Xref"
#: What GPML 2013a's schema puts after the DataNodes: reading stops at the first of them.
_AFTER = ("State", "Interaction", "GraphicalLine", "Label", "Shape", "Group", "InfoBox", "Legend", "Biopax")
_AFTER_DATA_NODES = frozenset(G + tag for tag in _AFTER)
_CHUNK = 1 << 14  # small enough to stop soon after the last DataNode, large enough to feed few times


@dataclass(frozen=True)
class GeneSet:
    """One pathway's genes: ``genes`` are Entrez Gene ids; ``nodes`` its gene nodes (for a GMT entry, its
    genes), ``unmapped`` those without an Entrez Gene id; ``labels`` the nodes' text by gene (drafts)."""

    id: str
    title: str
    organism: str
    genes: frozenset[int]
    nodes: int = 0
    unmapped: int = 0
    labels: Mapping[int, str] = field(default_factory=dict, compare=False, repr=False)


def organism_key(name: str) -> str:
    """An organism as WikiPathways spells it, so drafts and pathways meet: ``homo sapiens`` is Homo
    sapiens, and a strain (``Mycobacterium tuberculosis H37Rv``) its species; any other name as written."""
    text = " ".join(name.split())
    for candidate in (text, " ".join(text.split()[:2])):
        try:
            return organism_named(candidate)
        except ValueError:
            continue
    return text


def pathway_id(stem: str, version: str) -> str:
    """A pathway's id: its file name when that is a WP id (``WP554.gpml``), else the WP id of its Version
    (``WP554_r139872``; not a draft's ``WP0``), else the file name (a draft's figid)."""
    if _WP_ID.fullmatch(stem):
        return stem
    prefix = version.split("_", 1)[0]
    return prefix if _WP_ID.fullmatch(prefix) else stem


def read_gene_set(source: Path | bytes, name: str = "") -> GeneSet:
    """The gene set of a GPML file (or its bytes, named ``name``, a file name or figid).

    Raises SchemaError naming the file when it is not well-formed GPML 2013a, MappingError when the
    organism's gene table is damaged.
    """
    label = name or (str(source) if isinstance(source, Path) else "<bytes>")
    root, elements = _data_nodes(read_gpml_bytes(source) if isinstance(source, Path) else source, label)
    nodes = []
    for element in elements:
        xref = element.find(_XREF)
        database, identifier = ("", "") if xref is None else (xref.get("Database", ""), xref.get("ID", ""))
        nodes.append((element.get("Type", ""), database, identifier, element.get("TextLabel", "")))
    stem = Path(name).stem if name else (source.stem if isinstance(source, Path) else "")
    identity = pathway_id(stem, root.get("Version", ""))
    return _gene_set(identity, root.get("Name", ""), root.get("Organism", ""), nodes)


def pathway_gene_set(pathway: Pathway, name: str) -> GeneSet:
    """The gene set of a pathway in memory (a draft just built; ``name`` its figid), as
    :func:`read_gene_set` reads it from the file, without writing or parsing one."""
    nodes = [
        (node.type, node.xref.database if node.xref else "", node.xref.id if node.xref else "", node.label)
        for node in pathway.nodes
    ]
    return _gene_set(pathway_id(name, pathway.version), pathway.name, pathway.organism, nodes)


def _gene_set(
    identity: str, title: str, organism: str, nodes: Iterable[tuple[str, str, str, str]]
) -> GeneSet:
    """The gene set of (Type, Xref database, Xref id, label) nodes: gene nodes mapped, the rest counted."""
    organism = organism_key(organism)
    mapper: EntrezMapper | None = None  # a draft's Entrez Gene ids need no gene table: load it when needed
    genes: dict[int, str] = {}
    gene_nodes = unmapped = 0
    for kind, database, identifier, label in nodes:
        if kind.casefold() not in GENE_TYPES and database not in GENE_DATABASES:
            continue
        gene_nodes += 1
        if database == ENTREZ:  # most nodes: no gene table needed
            gene: int | None = entrez_id(identifier)
        elif identifier:
            mapper = mapper or entrez_mapper(organism)
            gene = mapper.entrez(database, identifier)
        else:
            gene = None
        if gene is None:
            unmapped += 1
        else:
            genes.setdefault(gene, label.strip())
    title = " ".join(title.split())
    return GeneSet(identity, title, organism, frozenset(genes), gene_nodes, unmapped, genes)


def _data_nodes(data: bytes, label: str) -> tuple[etree._Element, list[etree._Element]]:
    """The root and the DataNodes of a GPML document, read as far as the last DataNode only.

    GPML 2013a puts every DataNode before the States, Interactions and the rest, which make up most of a
    live pathway; parsing stops at the first of them. The parser is as safe as
    :func:`converter.gpml.reader.parse_gpml`'s: no DTD, no entities, no network.
    """
    if len(data) > MAX_GPML_BYTES:
        raise SchemaError(f"{label}: larger than {MAX_GPML_BYTES // 2**20} MiB, not read")
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=[_DATA_NODE, *_AFTER_DATA_NODES],
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    nodes: list[etree._Element] = []
    try:
        for start in range(0, len(data) or 1, _CHUNK):
            parser.feed(data[start : start + _CHUNK])
            for event, item in parser.read_events():
                element = cast("etree._Element", item)  # no namespace events were asked for
                if event == "end" and element.tag == _DATA_NODE:
                    nodes.append(element)
                elif event == "start" and element.tag != _DATA_NODE:  # the first after the DataNodes
                    return _checked(element.getroottree().getroot(), label), nodes
        return _checked(parser.close(), label), nodes
    except etree.XMLSyntaxError as exc:
        raise SchemaError(f"{label}: line {exc.lineno}: not well-formed XML: {exc.msg}") from exc


def _checked(root: etree._Element, label: str) -> etree._Element:
    if root.tag != _PATHWAY:
        raise SchemaError(f"{label}: {not_gpml_2013a(root)}")
    return root

"""GPML 2013a: namespaces, a safe parser, and the writer from the model."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from lxml import etree

from .errors import SchemaError
from .model import Box, DataNode, Label, Pathway

__all__ = [
    "BIOPAX_NS",
    "GPML_NS",
    "KNOWN_NAMESPACES",
    "MAX_GPML_BYTES",
    "RDF_NS",
    "parse_gpml",
    "serialize",
    "to_gpml",
    "to_tree",
    "write_bytes_atomic",
    "write_gpml",
    "xml_text",
]

GPML_NS = "http://pathvisio.org/GPML/2013a"
BIOPAX_NS = "http://www.biopax.org/release/biopax-level3.owl#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

#: GPML namespaces by the version name a curator knows them by.
KNOWN_NAMESPACES = {
    "http://pathvisio.org/GPML/2013a": "GPML 2013a",
    "http://pathvisio.org/GPML/2021": "GPML 2021",
    "http://pathvisio.org/GPML/2017": "GPML 2017",
    "http://genmapp.org/GPML/2010a": "GPML 2010a",
    "http://genmapp.org/GPML/2008a": "GPML 2008a",
    "http://genmapp.org/GPML/2007": "GPML 2007",
}

#: Larger files are refused rather than parsed (the largest live pathway is under 2 MB).
MAX_GPML_BYTES = 64 * 1024 * 1024


def _safe_parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: GPML never needs them.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )


def parse_gpml(source: bytes | str | Path) -> etree._ElementTree:
    """Parse GPML from bytes or a file path, safely (no entities, no network, bounded size).

    Raises SchemaError with the file name and line when the XML is not well-formed.
    """
    name = "<bytes>"
    if isinstance(source, (str, Path)):
        path = Path(source)
        name = str(path)
        try:
            if path.stat().st_size > MAX_GPML_BYTES:
                raise SchemaError(f"{name}: larger than {MAX_GPML_BYTES // 2**20} MiB, not parsed")
            data = path.read_bytes()
        except OSError as exc:
            raise SchemaError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    else:
        data = source
        if len(data) > MAX_GPML_BYTES:
            raise SchemaError(f"{name}: larger than {MAX_GPML_BYTES // 2**20} MiB, not parsed")
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SchemaError(f"{name}: line {exc.lineno}: not well-formed XML: {exc.msg}") from exc
    return root.getroottree()


# --- writing --------------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_G = f"{{{GPML_NS}}}"
_BP = f"{{{BIOPAX_NS}}}"
_RDF = f"{{{RDF_NS}}}"


def xml_text(text: str) -> str:
    """Text with the characters XML 1.0 forbids (most C0 controls) removed."""
    return _XML_ILLEGAL.sub("", text)


def _num(value: float) -> str:
    return repr(round(float(value), 2))


def _sub(parent: etree._Element, tag: str, attrs: dict[str, str], text: str = "") -> etree._Element:
    element = etree.SubElement(parent, tag, attrs)
    if text:
        element.text = text
    return element


def _graphics(parent: etree._Element, box: Box, z: str, style: dict[str, str]) -> None:
    attrs = {
        "CenterX": _num(box.x),
        "CenterY": _num(box.y),
        "Width": _num(box.width),
        "Height": _num(box.height),
    }
    attrs["ZOrder"] = z
    attrs.update(style)
    etree.SubElement(parent, _G + "Graphics", attrs)


_NODE_STYLE = {"FontSize": "12", "Valign": "Middle"}
_METABOLITE_STYLE = {**_NODE_STYLE, "Color": "0000ff"}


def _data_node(root: etree._Element, node: DataNode) -> None:
    attrs = {"TextLabel": node.label, "GraphId": node.graph_id, "Type": node.type}
    if node.group:
        attrs["GroupRef"] = node.group
    element = etree.SubElement(root, _G + "DataNode", attrs)
    if node.comment:
        _sub(element, _G + "Comment", {}, node.comment)
    _graphics(element, node.box, "32768", _METABOLITE_STYLE if node.type == "Metabolite" else _NODE_STYLE)
    xref = node.xref
    etree.SubElement(element, _G + "Xref", {"Database": xref.database, "ID": xref.id} if xref else _NO_XREF)


_NO_XREF = {"Database": "", "ID": ""}


def _label(root: etree._Element, label: Label) -> None:
    attrs = {"TextLabel": label.text, "GraphId": label.graph_id}
    if label.href:
        attrs["Href"] = label.href
    element = etree.SubElement(root, _G + "Label", attrs)
    if label.comment:
        _sub(element, _G + "Comment", {}, label.comment)
    style = {"FontSize": str(label.font_size), "Valign": "Middle"}
    if label.bold:
        style["FontWeight"] = "Bold"
    if label.align != "Center":
        style["Align"] = label.align
    if label.href:
        style["Color"] = "0000ee"
    _graphics(element, label.box, "28672", style)


def _biopax(root: etree._Element, pathway: Pathway) -> None:
    if not (pathway.citations or pathway.ontology_terms):
        return
    biopax = etree.SubElement(root, _G + "Biopax")
    nsmap = {"bp": BIOPAX_NS, "rdf": RDF_NS}
    typed = {_RDF + "datatype": _XSD_STRING}
    for cite in pathway.citations:
        xref = etree.SubElement(biopax, _BP + "PublicationXref", {_RDF + "id": cite.ref_id}, nsmap=nsmap)
        fields = [("ID", cite.id), ("DB", cite.database), ("TITLE", cite.title), ("SOURCE", cite.source)]
        fields += [("YEAR", cite.year)] + [("AUTHORS", a) for a in cite.authors]
        for tag, text in fields:
            if text:
                _sub(xref, _BP + tag, typed, text)
    for term, ident, ontology in pathway.ontology_terms:
        vocab = etree.SubElement(biopax, _BP + "openControlledVocabulary", nsmap=nsmap)
        for tag, text in (("TERM", term), ("ID", ident), ("Ontology", ontology)):
            _sub(vocab, _BP + tag, typed, text)


def _pathway_element(pathway: Pathway) -> etree._Element:
    attrs = {"Name": pathway.name, "Organism": pathway.organism}
    for key, text in (
        ("Data-Source", pathway.data_source),
        ("Version", pathway.version),
        ("Author", pathway.author),
        ("Last-Modified", pathway.last_modified),
    ):
        if text:
            attrs[key] = text
    root = etree.Element(_G + "Pathway", attrs, nsmap={None: GPML_NS})  # type: ignore[dict-item]
    if pathway.description:
        _sub(root, _G + "Comment", {"Source": "WikiPathways-description"}, pathway.description)
    for source, text in pathway.comments:
        _sub(root, _G + "Comment", {"Source": source}, text)
    for cite in pathway.citations:
        _sub(root, _G + "BiopaxRef", {}, cite.ref_id)
    board = {"BoardWidth": _num(pathway.board_width), "BoardHeight": _num(pathway.board_height)}
    etree.SubElement(root, _G + "Graphics", board)
    for node in pathway.nodes:
        _data_node(root, node)
    for label in pathway.labels:
        _label(root, label)
    for group in pathway.groups:
        attrs = {"GroupId": group.group_id, "GraphId": group.graph_id, "Style": group.style}
        etree.SubElement(root, _G + "Group", {**attrs, "TextLabel": group.label})
    etree.SubElement(root, _G + "InfoBox", {"CenterX": "0.0", "CenterY": "0.0"})
    _biopax(root, pathway)
    return root


def _clean(value: Any) -> Any:
    """A copy of a model value with every string made XML-legal."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, tuple):
        return tuple(_clean(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value, **{f.name: _clean(getattr(value, f.name)) for f in dataclasses.fields(value)}
        )
    return value


def to_tree(pathway: Pathway) -> etree._ElementTree:
    """The pathway as a GPML 2013a element tree (elements in the order the schema requires)."""
    try:
        root = _pathway_element(pathway)
    except ValueError:
        # lxml refuses control characters XML cannot hold; only then pay for cleaning every string.
        root = _pathway_element(_clean(pathway))
    return root.getroottree()


def serialize(tree: etree._ElementTree) -> bytes:
    """GPML bytes with the ``<?xml … encoding="UTF-8"?>`` declaration gpml2pvjson needs."""
    # lxml would write the declaration with single quotes; WikiPathways' own files use double quotes.
    return XML_DECLARATION + etree.tostring(tree, encoding="UTF-8", pretty_print=True)


def to_gpml(pathway: Pathway) -> bytes:
    """The pathway as GPML 2013a bytes."""
    return serialize(to_tree(pathway))


def write_bytes_atomic(data: bytes, path: Path) -> None:
    """Write a file so that it appears whole or not at all (temporary file + rename in the same folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; a draft is meant to be read by others
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_gpml(pathway: Pathway, path: Path) -> bytes:
    """Write the pathway to ``path`` atomically; returns the bytes written."""
    data = to_gpml(pathway)
    write_bytes_atomic(data, path)
    return data

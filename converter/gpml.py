"""GPML 2013a: namespaces, a safe parser, and the writer from the model."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from .errors import SchemaError
from .model import Box, DataNode, Label, Pathway

__all__ = [
    "BIOPAX_NS",
    "GPML_NS",
    "KNOWN_NAMESPACES",
    "MAX_GPML_BYTES",
    "RDF_NS",
    "format_authors",
    "open_atomic",
    "parse_authors",
    "parse_gpml",
    "to_gpml",
    "write_bytes_atomic",
    "write_gpml",
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
# The writer emits GPML text directly (every value through one escaping table) and the caller parses
# it once for validation: about four times faster than building the tree node by node with lxml.

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Characters XML 1.0 forbids (C0 controls but tab, newline, return; U+FFFE, U+FFFF) are dropped.
_ILLEGAL: dict[int, str | None] = {c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]}
_ILLEGAL.update({0xFFFE: None, 0xFFFF: None})
_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_TEXT: dict[int, str | None] = {**_ILLEGAL, **_ESCAPES}
# In attributes, quotes are escaped, and line breaks and tabs written as references so parsing returns them.
_ATTR: dict[int, str | None] = {
    **_TEXT,
    ord('"'): "&quot;",
    ord("\n"): "&#10;",
    ord("\r"): "&#13;",
    ord("\t"): "&#9;",
}


_NEEDS_TEXT = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ATTR = re.compile('[&<>"\x00-\x1f\ufffe\uffff]')


def _text(value: str) -> str:
    # Most values need no escaping: a C-level search is cheaper than translating every one.
    return value.translate(_TEXT) if _NEEDS_TEXT.search(value) else value


def _attr(value: str) -> str:
    return value.translate(_ATTR) if _NEEDS_ATTR.search(value) else value


def _attrs(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{_attr(value)}"' for name, value in pairs)


def _num(value: float) -> str:
    return repr(round(float(value), 2))


class _Numbers(dict[float, str]):
    """Coordinates as written (``_num``), each distinct value formatted once and then looked up.

    Round + repr cost more than the rest of a Graphics element, and drafts reuse few values: a grid's
    columns, rows and cell sizes (2,000 drafts used 398 distinct values). The bound is for other input.
    """

    def __missing__(self, value: float) -> str:
        text = _num(value)
        if value:  # 0.0 and -0.0 are one key but are written differently
            if len(self) >= _MAX_NUMBERS:
                self.clear()
            self[value] = text
        return text


_MAX_NUMBERS = 100_000
_NUMBERS = _Numbers()


def _graphics(indent: str, box: Box, z: str, style: str) -> str:
    num = _NUMBERS
    return (
        f'{indent}<Graphics CenterX="{num[box.x]}" CenterY="{num[box.y]}" Width="{num[box.width]}"'
        f' Height="{num[box.height]}" ZOrder="{z}"{style}/>'
    )


_NODE_STYLE = ' FontSize="12" Valign="Middle"'
_METABOLITE_STYLE = _NODE_STYLE + ' Color="0000ff"'


def _data_node(node: DataNode) -> str:
    # One string, written out rather than through _attrs: a draft has thousands of these. Their values
    # rarely need escaping, so they are searched once together and escaped only when one does.
    database, ident = (node.xref.database, node.xref.id) if node.xref else ("", "")
    values: tuple[str, ...] = (node.label, node.graph_id, node.type, node.group, database, ident)
    if _NEEDS_ATTR.search("".join(values)):
        values = tuple(value.translate(_ATTR) for value in values)
    label, graph_id, node_type, group, database, ident = values
    group_ref = f' GroupRef="{group}"' if node.group else ""  # even if escaping emptied it
    comment = f"\n    <Comment>{_text(node.comment)}</Comment>" if node.comment else ""
    style = _METABOLITE_STYLE if node.type == "Metabolite" else _NODE_STYLE
    return (
        f'  <DataNode TextLabel="{label}" GraphId="{graph_id}" Type="{node_type}"{group_ref}>{comment}\n'
        f"{_graphics('    ', node.box, '32768', style)}\n"
        f'    <Xref Database="{database}" ID="{ident}"/>\n'
        "  </DataNode>"
    )


def _label(label: Label) -> str:
    # One string, as _data_node; of the style values only FontSize and Align come from the label.
    href = f' Href="{_attr(label.href)}"' if label.href else ""
    style = f' FontSize="{_attr(str(label.font_size))}"'
    if label.bold:
        style += ' FontWeight="Bold"'
    if label.align != "Center":
        style += f' Align="{_attr(label.align)}"'
    style += ' Valign="Middle" Color="0000ee"' if label.href else ' Valign="Middle"'
    comment = f"\n    <Comment>{_text(label.comment)}</Comment>" if label.comment else ""
    return (
        f'  <Label TextLabel="{_attr(label.text)}" GraphId="{_attr(label.graph_id)}"{href}>{comment}\n'
        f"{_graphics('    ', label.box, '28672', style)}\n"
        "  </Label>"
    )


def _biopax(pathway: Pathway) -> list[str]:
    if not (pathway.citations or pathway.ontology_terms):
        return []
    ns = f'xmlns:bp="{BIOPAX_NS}" xmlns:rdf="{RDF_NS}"'
    typed = f'rdf:datatype="{_XSD_STRING}"'
    lines = ["  <Biopax>"]
    for cite in pathway.citations:
        lines.append(f'    <bp:PublicationXref {ns} rdf:id="{_attr(cite.ref_id)}">')
        fields = [("ID", cite.id), ("DB", cite.database), ("TITLE", cite.title), ("SOURCE", cite.source)]
        fields += [("YEAR", cite.year)] + [("AUTHORS", a) for a in cite.authors]
        lines += [f"      <bp:{tag} {typed}>{_text(text)}</bp:{tag}>" for tag, text in fields if text]
        lines.append("    </bp:PublicationXref>")
    for term in pathway.ontology_terms:
        lines.append(f"    <bp:openControlledVocabulary {ns}>")
        for tag, text in zip(("TERM", "ID", "Ontology"), term, strict=True):
            lines.append(f"      <bp:{tag} {typed}>{_text(text)}</bp:{tag}>")
        lines.append("    </bp:openControlledVocabulary>")
    lines.append("  </Biopax>")
    return lines


def format_authors(authors: Iterable[str]) -> str:
    """The ``Author`` attribute as WikiPathways writes it: ``[a, b]``. Example: ``[Khanspers, Egonw]``."""
    return f"[{', '.join(authors)}]"


def parse_authors(value: str) -> tuple[str, ...] | None:
    """The names in an ``Author`` attribute written as ``[a, b]``; None when it is not bracketed."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    return tuple(name.strip() for name in text[1:-1].split(",") if name.strip())


def _pathway_lines(pathway: Pathway) -> list[str]:
    # The attribute order of live WikiPathways files, on one line with Organism last: WikiPathways'
    # pipeline cuts the organism out of this line with sed, taking everything after 'Organism='.
    optional = [("Data-Source", pathway.data_source), ("Version", pathway.version)]
    optional += [("Author", format_authors(pathway.authors) if pathway.authors else "")]
    optional += [("Last-Modified", pathway.last_modified)]
    pairs = [("Name", pathway.name), *[(k, v) for k, v in optional if v], ("Organism", pathway.organism)]
    lines = [f'<Pathway xmlns="{GPML_NS}"{_attrs(pairs)}>']
    comments = [("WikiPathways-description", pathway.description)] if pathway.description else []
    for source, text in [*comments, *pathway.comments]:
        lines.append(f'  <Comment Source="{_attr(source)}">{_text(text)}</Comment>')
    lines += [f"  <BiopaxRef>{_text(cite.ref_id)}</BiopaxRef>" for cite in pathway.citations]
    lines.append(
        f'  <Graphics BoardWidth="{_num(pathway.board_width)}" BoardHeight="{_num(pathway.board_height)}"/>'
    )
    for node in pathway.nodes:
        lines.append(_data_node(node))
    for label in pathway.labels:
        lines.append(_label(label))
    for group in pathway.groups:
        pairs = [("GroupId", group.group_id), ("GraphId", group.graph_id), ("Style", group.style)]
        lines.append(f"  <Group{_attrs([*pairs, ('TextLabel', group.label)])}/>")
    lines.append('  <InfoBox CenterX="0.0" CenterY="0.0"/>')
    lines += _biopax(pathway)
    lines.append("</Pathway>\n")
    return lines


def to_gpml(pathway: Pathway) -> bytes:
    """The pathway as GPML 2013a bytes, elements in the order the schema requires, with the
    ``<?xml … encoding="UTF-8"?>`` declaration gpml2pvjson needs."""
    return (XML_DECLARATION + "\n".join(_pathway_lines(pathway))).encode("utf-8")


@contextlib.contextmanager
def open_atomic(path: Path) -> Iterator[BinaryIO]:
    """A file to write that appears under ``path`` whole, when the block ends, or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes 0600; drafts and reports are meant to be read by others
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(data: bytes, path: str | os.PathLike[str]) -> None:
    """Write a file so that it appears whole or not at all (temporary file + rename in the same folder).

    The temporary name carries the process id: batch workers write many files each, one at a time.
    """
    folder, name = os.path.split(path)  # os.path, not pathlib: a batch writes two files a record
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileExistsError:  # left by a killed process that had our pid
        os.unlink(tmp)
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(folder or ".", exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb", buffering=0) as handle:
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

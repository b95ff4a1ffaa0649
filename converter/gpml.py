"""GPML 2013a: namespaces, a safe parser, and the writer from the model."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .errors import SchemaError

__all__ = [
    "BIOPAX_NS",
    "GPML_NS",
    "KNOWN_NAMESPACES",
    "MAX_GPML_BYTES",
    "RDF_NS",
    "parse_gpml",
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

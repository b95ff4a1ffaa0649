"""GPML 2013a as text: namespaces and tag names, escaping of values, the Author attribute's list.

Every module that reads or writes GPML (or SVG drawn from it) takes these from here. Escaping follows XML
1.0 and libxml2: ``& < >`` everywhere, and in attribute values also ``"`` and the white space a parser would
fold (tab, newline, carriage return, written as character references); characters XML 1.0 forbids (C0
controls but tab, newline and return, lone surrogates, U+FFFE, U+FFFF) are dropped, as no parser would
accept them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

__all__ = [
    "BIOPAX_NS",
    "GPML_NS",
    "KNOWN_NAMESPACES",
    "RDF_NS",
    "XML_DECLARATION",
    "G",
    "as_parsed",
    "escape_attr",
    "escape_text",
    "format_authors",
    "not_gpml_2013a",
    "parse_authors",
]

GPML_NS = "http://pathvisio.org/GPML/2013a"
BIOPAX_NS = "http://www.biopax.org/release/biopax-level3.owl#"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: The prefix of a GPML 2013a tag as lxml spells it: ``G + "DataNode"``.
G = "{" + GPML_NS + "}"
#: The declaration WikiPathways' files carry, and the only one its renderer (gpml2pvjson) finds.
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

#: GPML namespaces by the version name a curator knows them by.
KNOWN_NAMESPACES = {
    "http://pathvisio.org/GPML/2013a": "GPML 2013a",
    "http://pathvisio.org/GPML/2021": "GPML 2021",
    "http://pathvisio.org/GPML/2017": "GPML 2017",
    "http://genmapp.org/GPML/2010a": "GPML 2010a",
    "http://genmapp.org/GPML/2008a": "GPML 2008a",
    "http://genmapp.org/GPML/2007": "GPML 2007",
}

_FORBIDDEN = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_DROPPED: dict[int, str | None] = {
    c: None
    for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
}
_TEXT: dict[int, str | None] = {
    **_DROPPED,
    ord("&"): "&amp;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("\r"): "&#13;",
}
_ATTR: dict[int, str | None] = {**_TEXT, ord('"'): "&quot;", ord("\n"): "&#10;", ord("\t"): "&#9;"}
_NEEDS_TEXT = re.compile(f"[&<>\r{_FORBIDDEN}]")
_NEEDS_ATTR = re.compile(f'[&<>"\t\n\r{_FORBIDDEN}]')
_FORBIDDEN_SEARCH = re.compile(f"[{_FORBIDDEN}]")


def escape_text(value: str) -> str:
    """Element text as markup. Example: ``escape_text("IL-1 & <TNF>")`` is ``'IL-1 &amp; &lt;TNF&gt;'``."""
    # Most values need no escaping: a search in C is cheaper than translating every one.
    return value.translate(_TEXT) if _NEEDS_TEXT.search(value) else value


def escape_attr(value: str) -> str:
    """An attribute value as markup, for double quotes; line breaks survive parsing as references."""
    return value.translate(_ATTR) if _NEEDS_ATTR.search(value) else value


def as_parsed(value: str) -> str:
    """A value as a parser gives it back after :func:`escape_attr` or :func:`escape_text`: the same, but for
    the forbidden characters, which are dropped."""
    return value.translate(_DROPPED) if _FORBIDDEN_SEARCH.search(value) else value


def needs_escape(value: str) -> bool:
    """Whether :func:`escape_attr` would change ``value`` (to escape many values only when one needs it)."""
    return _NEEDS_ATTR.search(value) is not None


def format_authors(authors: Iterable[str]) -> str:
    """The ``Author`` attribute as WikiPathways writes it: ``[a, b]``. Example: ``[Khanspers, Egonw]``."""
    return f"[{', '.join(authors)}]"


def parse_authors(value: str) -> tuple[str, ...] | None:
    """The names in an ``Author`` attribute written as ``[a, b]``; None when it is not bracketed."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    return tuple(name.strip() for name in text[1:-1].split(",") if name.strip())


def not_gpml_2013a(root: etree._Element) -> str:
    """Why a document whose root is not a GPML 2013a ``<Pathway>`` cannot be read, naming its GPML version
    when it has one, with what to do."""
    qname = etree.QName(root)
    version = KNOWN_NAMESPACES.get(qname.namespace or "")
    if version and qname.localname == "Pathway":
        return (
            f"this is {version} ({qname.namespace}), not GPML 2013a, the format WikiPathways stores; "
            "convert it (PathVisio opens it and saves GPML 2013a)"
        )
    found = f"<{qname.localname}> in namespace {qname.namespace or '(none)'}"
    return f'not a GPML pathway: the root is {found}; expected <Pathway xmlns="{GPML_NS}">'

"""Read GPML safely: no DTD, no entity expansion, no network, a bounded size."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..errors import SchemaError

__all__ = ["MAX_GPML_BYTES", "parse_gpml", "read_gpml_bytes"]

#: Larger files are refused rather than parsed (the largest live pathway is under 2 MB).
MAX_GPML_BYTES = 64 * 1024 * 1024


def _safe_parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: GPML never needs them.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False
    )


def read_gpml_bytes(path: str | Path) -> bytes:
    """The bytes of a GPML file; SchemaError naming it when it cannot be read or is over the size limit."""
    name = str(path)
    try:
        if Path(path).stat().st_size > MAX_GPML_BYTES:
            raise SchemaError(f"{name}: larger than {MAX_GPML_BYTES // 2**20} MiB, not read")
        return Path(path).read_bytes()
    except OSError as exc:
        raise SchemaError(f"{name}: cannot read: {exc.strerror or exc}") from exc


def parse_gpml(source: bytes | str | Path) -> etree._ElementTree:
    """Parse GPML from bytes or a file path, safely (no entities, no network, bounded size).

    Raises SchemaError with the file name and line when the XML is not well-formed.
    """
    name = "<bytes>"
    if isinstance(source, (str, Path)):
        name, data = str(source), read_gpml_bytes(source)
    else:
        data = source
        if len(data) > MAX_GPML_BYTES:
            raise SchemaError(f"{name}: larger than {MAX_GPML_BYTES // 2**20} MiB, not read")
    try:
        root = etree.fromstring(data, _safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SchemaError(f"{name}: line {exc.lineno}: not well-formed XML: {exc.msg}") from exc
    return root.getroottree()

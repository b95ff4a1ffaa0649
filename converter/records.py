"""Read PFOCR figure records (YAML front matter) and their gene, chemical and disease tables.

Every scalar stays a string: the front matter is parsed with PyYAML's BaseLoader (libyaml's
CBaseLoader when present), so the keyword ``NO`` (nitric oxide) stays ``"NO"`` and years stay text.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .errors import RecordError
from .tables import (
    NA_VALUES,
    TABLE_KINDS,
    ChemicalRow,
    DiseaseRow,
    GeneRow,
    digits,
    mesh_id,
    parse_table,
)

__all__ = [
    "ChemicalRow",
    "DiseaseRow",
    "FigureRecord",
    "GeneRow",
    "parse_record",
    "read_record",
    "read_table",
]

log = logging.getLogger(__name__)

try:
    _BaseLoader: Any = yaml.CBaseLoader
except AttributeError:  # PyYAML built without libyaml
    log.warning("libyaml is not available: reading records with the slower pure-Python YAML loader")
    _BaseLoader = yaml.BaseLoader


class _Loader(_BaseLoader):  # type: ignore[misc]
    """BaseLoader that skips tag resolution: every scalar stays text, so no tag is ever looked at."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return "tag:yaml.org,2002:str"


#: A figid names an output file: letters, digits and ``._-`` only, never ``..``.
FIGID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
#: Control characters that neither YAML nor XML accept; OCR'd text sometimes carries them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
MAX_RECORD_BYTES = 4 * 1024 * 1024
MAX_TABLE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class FigureRecord:
    """A PFOCR figure record, raw and unmapped. Tables are None when the figure has none."""

    figid: str
    source: str
    title: str = ""
    caption: str = ""
    paper_title: str = ""
    reftext: str = ""
    year: str = ""
    doi: str = ""
    pmcid: str = ""
    journal: str = ""
    number: str = ""
    filename: str = ""
    figlink: str = ""
    organisms: tuple[str, ...] = ()
    organisms_ner: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    genes: tuple[GeneRow, ...] | None = None
    chemicals: tuple[ChemicalRow, ...] | None = None
    diseases: tuple[DiseaseRow, ...] | None = None
    sha256: str = ""  # of the record's bytes then its tables', as read: what a conversion depends on


def value(raw: object) -> str:
    """A scalar field as clean text; PFOCR's missing-value markers become ``""``."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise TypeError(f"expected text, found a {type(raw).__name__}")
    text = raw.strip()
    return "" if text in NA_VALUES else text


def _strings(raw: object) -> tuple[str, ...]:
    """A list field (or a lone scalar) as a tuple of distinct non-missing strings, order kept."""
    items = raw if isinstance(raw, list) else [raw]
    out: dict[str, None] = {}
    for item in items:
        text = value(item)
        if text:
            out.setdefault(text, None)
    return tuple(out)


#: Lines made of white space only, at the start of a record; the opening line; a closing line.
_BLANK_LINES = re.compile(r"(?:[^\S\n]*\n)*")
_OPENING = re.compile(r"---[^\S\n]*(?:\n|\Z)")
# Searched from the newline before a line: a pattern that starts with a literal is found by a fast scan.
_CLOSING = re.compile(r"\n(?:---|\.\.\.)[^\S\n]*(?=\n|\Z)")


def _split_front_matter(text: str) -> str:
    """The text between the opening ``---`` line (after any blank lines) and the next ``---``/``...`` line."""
    blank = _BLANK_LINES.match(text)  # always a match, perhaps an empty one
    opening = _OPENING.match(text, blank.end() if blank else 0)
    if opening is None:
        raise RecordError("no YAML front matter (the file must start with a '---' line)")
    start = opening.end()
    closing = _CLOSING.search(text, start - 1)  # from the newline that ends the opening line
    if closing is None:
        raise RecordError("front matter is not closed by a '---' line")
    return text[start : max(start, closing.start())]


#: All bytes but those that can begin a character _CONTROL removes: C0 controls and DEL, and the lead
#: bytes of C1 controls (0xC2) and of U+FFFE/U+FFFF (0xEF). A record without any needs no search.
_NOT_CONTROL_LEADS = bytes(
    sorted(set(range(256)) - {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xC2, 0xEF})
)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text) if data.translate(None, _NOT_CONTROL_LEADS) else text


def _load_yaml(front: str) -> Mapping[str, Any]:
    try:
        root = yaml.compose(front, Loader=_Loader)
        data = _plain(root, {}) if root is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 2}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RecordError(f"malformed YAML front matter: {where}{problem}") from exc
    except (TypeError, RecursionError) as exc:
        problem = "a key that is not text, or a recursive alias"
        raise RecordError(f"malformed YAML front matter: {problem}") from exc
    if not isinstance(data, dict):
        raise RecordError("front matter is not a mapping of fields")
    return data


def _plain(node: yaml.Node, built: dict[int, Any]) -> Any:
    """A composed YAML node as str, list and dict, as BaseLoader would construct it.

    libyaml composes the node graph in C; walking it here costs a third of PyYAML's constructor.
    An alias is the same object as its anchor (``built``), so alias bombs cannot expand.
    """
    if isinstance(node, yaml.ScalarNode):
        return node.value
    if id(node) in built:
        return built[id(node)]
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        built[id(node)] = items
        items.extend(_plain(item, built) for item in node.value)
        return items
    mapping: dict[Any, Any] = {}
    built[id(node)] = mapping
    for key, item in node.value:
        mapping[_plain(key, built)] = _plain(item, built)
    return mapping


def _figid(data: Mapping[str, Any], fallback: str) -> str:
    figid = value(data.get("figid")) or fallback
    if not figid:
        raise RecordError("no figid field")
    if not FIGID_PATTERN.match(figid) or ".." in figid:
        raise RecordError(f"unsafe figid {figid!r}: only letters, digits and . _ - are allowed")
    return figid


def _pmcid(data: Mapping[str, Any], figid: str) -> str:
    pmcid = value(data.get("pmcid"))
    if not pmcid and figid.startswith("PMC"):
        pmcid = figid.split("__", 1)[0]
    return pmcid if re.fullmatch(r"PMC\d+", pmcid) else ""


def parse_record(text: str | bytes, source: str = "<record>", fallback_figid: str = "") -> FigureRecord:
    """Parse a record's text into a FigureRecord (inline tables of the older format included).

    Example: ``parse_record(Path("PMC10796104__AD-15-1-186-g1.md").read_bytes())``.
    Raises RecordError naming the problem; the caller adds the file name.
    """
    if isinstance(text, bytes):
        text = _decode(text)
    data = _load_yaml(_split_front_matter(text))
    try:
        return _record_from_fields(data, source, fallback_figid)
    except TypeError as exc:
        raise RecordError(f"unexpected field value: {exc}") from exc


def _record_from_fields(data: Mapping[str, Any], source: str, fallback_figid: str) -> FigureRecord:
    figid = _figid(data, fallback_figid)
    jsonld = data.get("schema-jsonld")
    keywords = _strings(jsonld.get("keywords")) if isinstance(jsonld, dict) else ()
    if not keywords:
        top = value(data.get("keywords"))
        keywords = tuple(dict.fromkeys(k.strip() for k in top.split(" | ") if value(k)))
    return FigureRecord(
        figid=figid,
        source=source,
        title=_one_line(value(data.get("figtitle"))),
        caption=value(data.get("caption")),
        paper_title=_one_line(value(data.get("papertitle"))),
        reftext=value(data.get("reftext")),
        year=value(data.get("year")),
        doi=value(data.get("doi")),
        pmcid=_pmcid(data, figid),
        journal=value(data.get("journal_title")),
        number=value(data.get("number")),
        filename=value(data.get("filename")),
        figlink=value(data.get("figlink")),
        organisms=_strings(data.get("organisms")),
        organisms_ner=_strings(data.get("organisms_ner")),
        keywords=keywords,
        genes=_inline_genes(data.get("genes")),
        chemicals=_inline_terms(data.get("chemicals"), ChemicalRow),
        diseases=_inline_terms(data.get("diseases"), DiseaseRow),
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _inline_genes(raw: object) -> tuple[GeneRow, ...] | None:
    """Genes of the older record format: ``[{word, symbol, source, hgnc_symbol, entrez}]``."""
    if not isinstance(raw, list):
        return None
    rows = []
    for item in raw:
        if not isinstance(item, dict):
            raise TypeError("genes: each item must be a mapping")
        rows.append(
            GeneRow(
                word=value(item.get("word")),
                symbol=value(item.get("hgnc_symbol")) or value(item.get("symbol")),
                entrez=digits(value(item.get("entrez"))),
                source=value(item.get("source")),
            )
        )
    return tuple(rows)


def _inline_terms(raw: object, kind: type[ChemicalRow] | type[DiseaseRow]) -> Any:
    """Chemicals or diseases of the older format: ``[{word, source: MESH, identifier}]``."""
    if not isinstance(raw, list):
        return None
    rows = []
    for item in raw:
        if not isinstance(item, dict):
            raise TypeError(f"{kind.__name__}: each item must be a mapping")
        ident = value(item.get("identifier"))
        source = value(item.get("source")).upper()
        rows.append(kind(word=value(item.get("word")), mesh=mesh_id(ident) if source == "MESH" else ""))
    return tuple(rows)


def _read_file(path: str | Path, limit: int) -> bytes | None:
    """The bytes of the regular file at ``path``; None when there is none (missing, a folder, a pipe).

    One open and one fstat, unbuffered: looking for a table costs no stat of its own, and read(limit + 1)
    would allocate the whole limit for every small file. O_NONBLOCK: a pipe is never waited on.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > limit:
            raise RecordError(f"{path}: larger than {limit // 2**20} MiB")
        with open(fd, "rb", buffering=0, closefd=False) as handle:
            return handle.readall()
    except OSError as exc:
        raise RecordError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def _read_bytes(path: Path, limit: int) -> bytes:
    data = _read_file(path, limit)
    if data is None:
        problem = "not a regular file" if os.path.exists(path) else "no such file"
        raise RecordError(f"{path}: cannot read: {problem}")
    return data


def _text_of(data: bytes, path: Path) -> str:
    try:
        return _decode(data)
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from exc


def read_table(
    path: Path, kind: str
) -> tuple[GeneRow, ...] | tuple[ChemicalRow, ...] | tuple[DiseaseRow, ...]:
    """Read a ``-genes``, ``-chemicals`` or ``-diseases`` table by column name (older layouts too)."""
    return parse_table(_text_of(_read_bytes(path, MAX_TABLE_BYTES), path), path, kind)


def _table_candidates(record_path: Path, figid: str, kind: str) -> Iterator[str]:
    """Where a figure's table of this kind may be, in order: beside the record, then in the repository's
    sibling ``_data/`` folder."""
    folder = os.path.dirname(record_path) or "."
    name = f"{figid}-{kind}.tsv"
    yield os.path.join(folder, name)
    yield os.path.join(os.path.dirname(folder) or ".", "_data", name)


def _found_table(record_path: Path, figid: str, kind: str) -> tuple[Path, bytes] | None:
    """The path and bytes of a figure's table of this kind: the first candidate that is a regular file,
    with one open a candidate (no stat before it)."""
    for candidate in _table_candidates(record_path, figid, kind):
        if (raw := _read_file(candidate, MAX_TABLE_BYTES)) is not None:
            return Path(candidate), raw
    return None


def read_record(path: Path, tables: Mapping[str, Path] | None = None, find: bool = True) -> FigureRecord:
    """Read a record file and its tables (given in ``tables``, else found beside it when ``find``).

    Raises RecordError whose text starts with the file name.
    """
    data = _read_bytes(path, MAX_RECORD_BYTES)
    digest = hashlib.sha256(data)
    try:
        record = parse_record(data, str(path), fallback_figid=path.stem)
    except RecordError as exc:
        raise RecordError(f"{path}: {exc}") from exc
    loaded: dict[str, Any] = {}
    for kind in TABLE_KINDS:
        # Tables named explicitly win over inline lists of the older format, which win over tables nearby.
        if tables and kind in tables:
            table, raw = tables[kind], _read_bytes(tables[kind], MAX_TABLE_BYTES)
        elif find and getattr(record, kind) is None and (found := _found_table(path, record.figid, kind)):
            table, raw = found
        else:
            continue
        digest.update(raw)
        loaded[kind] = parse_table(_text_of(raw, table), table, kind)
    return replace(record, **loaded, sha256=digest.hexdigest())

"""Validate GPML the way WikiPathways does: the GPML 2013a schema, submission rules and identifiers.

Validation returns data, a list of :class:`Finding`; it never prints and never raises for bad input. Rule ids,
severities and the reasons for them are in :data:`RULES` and ``docs/rules.md``. This module reads the input
and runs the input, declaration, start-tag and schema checks; the submission rules themselves are in
:mod:`converter.gpml.rules`.

Example: ``validate(Path("WP1.gpml"))`` is ``[]`` for the live Statin pathway; for WP4290 it names the
DataNode whose GroupRef points to a Group that does not exist (rule ``groupref``, an error).
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import threading
from collections.abc import Generator, Iterable
from concurrent.futures import ProcessPoolExecutor
from functools import cache, partial
from importlib import resources
from pathlib import Path
from typing import Any, cast

from lxml import etree

from ..errors import SchemaError
from ..workers import process_context, usable_cpus
from .findings import RULES, Finding, Findings, Rule, has_errors
from .markup import G, not_gpml_2013a
from .reader import parse_gpml, read_gpml_bytes
from .rules import check_submission

__all__ = [
    "RULES",
    "RULE_SETS",
    "Finding",
    "Rule",
    "has_errors",
    "validate",
    "validate_paths",
    "validate_tree",
]

RULE_SETS = ("schema", "submission", "all")
#: Fewer files than this are validated in this process: starting workers would cost more than it saves.
MIN_FILES_FOR_PROCESSES = 32

_PATHWAY = G + "Pathway"
_DECLARATION = re.compile(rb"\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([^"']*)["']""")
_BOM = b"\xef\xbb\xbf"
#: The declaration as gpml2pvjson finds it (its own pattern, case-insensitive); it writes nothing otherwise.
_READABLE_DECLARATION = re.compile(rb"""<\?xml version=["']1.0["'] encoding=["']UTF-8["']\?>""", re.I)
#: The first line holding '<Pathway ', as the pipeline's sed finds it.
_START_TAG_LINE = re.compile(rb"^[^\n]*<Pathway [^\n]*", re.M)
#: A whole start tag ending the line with Organism as its last attribute.
_ORGANISM_LAST = re.compile(
    rb"""<Pathway(?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+Organism="[^"]*">\r?$"""
)
_DUPLICATE_ID = re.compile(r"attribute 'GraphId': '([^']*)' is not a valid value of the atomic type 'xs:ID'")
_NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_THREAD = threading.local()
_COMPILING = threading.Lock()  # libxml2 initialises its schema types lazily, not thread-safely
_log = logging.getLogger(__name__)


def validate(source: bytes | str | Path, rules: str = "all", name: str | None = None) -> list[Finding]:
    """Validate GPML given as bytes or as a file path (a ``str`` is a path); never raises for bad input."""
    _check_rules(rules)
    if isinstance(source, bytes):
        label, data = name or "<bytes>", source
    else:
        label = name or str(source)
        try:
            data = read_gpml_bytes(source)
        except SchemaError as exc:
            return [_fail(label, "file-read", str(exc).removeprefix(f"{source}: "))]
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
    report = Findings(name)
    root = tree.getroot()
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        report.add(
            "xml-well-formed", "has a DOCTYPE: GPML never declares one (entities are not expanded)", line=1
        )
        return report.items
    if not _check_version(root, report):
        return report.items
    submission = rules in ("submission", "all")
    if submission:
        if raw is not None and _check_declaration(raw, report) and root.get("Organism") is not None:
            _check_start_tag(raw, report)  # a missing Organism is the organism rule's finding
        check_submission(root, report)
    if rules in ("schema", "all"):
        _check_schema(tree, report, duplicates_reported=submission)
    return sorted(report.items, key=lambda f: f.line or 0)


def validate_paths(
    paths: Iterable[Path], rules: str = "all", workers: int | None = None
) -> Generator[tuple[Path, list[Finding]], None, None]:
    """Validate many files, yielding (path, findings) in the order given; ``close()`` it to stop early.

    With ``workers`` > 1 (default: the CPUs this process may use) and at least
    :data:`MIN_FILES_FOR_PROCESSES` files, the files are shared among that many worker processes, each
    compiling the schema once; otherwise they are validated here, one after the other. The findings are the
    same either way. Processes rather than threads: lxml holds the GIL while it validates against a schema.
    """
    _check_rules(rules)
    files = list(paths)
    workers = min(workers or usable_cpus(), len(files))
    daemon = multiprocessing.current_process().daemon  # a pool's worker may not start processes of its own
    if workers < 2 or len(files) < MIN_FILES_FOR_PROCESSES or daemon:
        yield from ((path, validate(path, rules)) for path in files)
        return
    chunksize = max(1, min(16, len(files) // (4 * workers)))  # few round trips, and an even finish
    _log.debug("validating %d files in %d processes, %d files a task", len(files), workers, chunksize)
    _start_worker(rules)  # compiled here, forked workers inherit the schema; spawned ones compile their own
    pool = ProcessPoolExecutor(
        workers, mp_context=process_context(), initializer=_start_worker, initargs=(rules,)
    )
    try:
        yield from zip(
            files, pool.map(partial(validate, rules=rules), files, chunksize=chunksize), strict=True
        )
    finally:  # also when the caller stops early: drop the chunks not yet started
        pool.shutdown(cancel_futures=True)


def _start_worker(rules: str) -> None:
    if rules in ("schema", "all"):
        _schema()  # once per process: a forked worker finds its parent's


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


def _check_version(root: etree._Element, report: Findings) -> bool:
    if root.tag == _PATHWAY:
        return True
    report.add("gpml-version", f"{not_gpml_2013a(root)}; then validate again", root)
    return False


def _check_declaration(raw: bytes, report: Findings) -> bool:
    """The encoding and declaration rules; False when the bytes are not ASCII-compatible (UTF-16)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        report.add("encoding", "the file is UTF-16; save it as UTF-8", line=1)
        return False
    declaration = _DECLARATION.match(raw)
    encoding = _ENCODING.search(declaration.group()) if declaration else None
    if encoding is not None:
        declared = encoding.group(1).decode("ascii", "replace")
        if declared.upper() not in ("UTF-8", "UTF8"):
            report.add("encoding", f"declared encoding is {declared!r}; save the file as UTF-8", line=1)
            return True
    if declaration is not None and _READABLE_DECLARATION.fullmatch(declaration.group().lstrip(_BOM)):
        return True
    if declaration is None:
        found = "no XML declaration"
    elif encoding is None:
        found = "the XML declaration names no encoding"
    else:
        found = (
            f"the XML declaration {declaration.group().lstrip(_BOM).decode('utf-8', 'replace')!r} is not in"
        )
        found += " the one form gpml2pvjson reads"
    report.add(
        "xml-declaration",
        f"{found}: gpml2pvjson, WikiPathways' renderer, writes nothing for this file; start it with "
        '<?xml version="1.0" encoding="UTF-8"?>',
        line=1,
    )
    return True


def _check_start_tag(raw: bytes, report: Findings) -> None:
    """The ``<Pathway ...>`` line as WikiPathways' pipeline reads it: with sed, taking everything after
    ``Organism=`` on the first line holding ``<Pathway `` (quotes and '>' dropped) as the organism."""
    found = _START_TAG_LINE.search(raw)
    if found is None:
        report.add(
            "organism-last",
            "no line holds '<Pathway ' with its attributes: WikiPathways' pipeline reads the organism from "
            "that line; write the start tag on one line, Organism last",
            line=1,
        )
        return
    line = found.group()
    if _ORGANISM_LAST.search(line):
        return
    read = line.rpartition(b"Organism=")[2] if b"Organism=" in line else b""
    organism = read.translate(None, b'">\r').decode("utf-8", "replace")
    report.add(
        "organism-last",
        f"Organism is not the last attribute of a one-line <Pathway> start tag: WikiPathways' pipeline "
        f"reads the organism as {organism[:80]!r}, finds no gene database for it and maps no identifiers; "
        "put Organism last",
        line=raw.count(b"\n", 0, found.start()) + 1,
    )


def _check_schema(tree: etree._ElementTree, report: Findings, duplicates_reported: bool) -> None:
    schema = _schema()
    if schema.validate(tree):
        return
    for error in cast("Iterable[Any]", schema.error_log):  # lxml-stubs lack _LogEntry
        message = error.message.replace(G, "")
        duplicate = _DUPLICATE_ID.search(error.message)
        if duplicate and _NCNAME.fullmatch(duplicate.group(1)):  # a well-formed xs:ID, so a repeated one
            if duplicates_reported:
                continue  # unique-graphid names it, with the line of its first use
            message = f"GraphId {duplicate.group(1)!r} is used by more than one element"
        found = tree.xpath(error.path) if error.path else None
        el = found[0] if isinstance(found, list) and found and isinstance(found[0], etree._Element) else None
        report.add("schema", message, el, line=error.line or None)

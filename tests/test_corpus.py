"""The whole shared PFOCR corpus converts to valid drafts, and the drafts feed WikiPathways' own converter."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from converter.draft import UNMAPPED_SOURCE, read_unmapped_comment
from converter.gpml import GPML_NS, has_errors, validate
from converter.pipeline import Conversion, convert_record
from converter.records import read_record

from .conftest import REPO, SAMPLES, XSD

NS = {"g": GPML_NS}
GPML2PVJSON = REPO / "tests" / "node" / "node_modules" / ".bin" / "gpml2pvjson"


@pytest.fixture(scope="module")
def drafts(conversions: dict[Path, Conversion]) -> dict[Path, Path]:
    """Record path → draft path."""
    return {record: conversion.output for record, conversion in conversions.items()}


def test_every_record_gives_a_valid_draft(drafts: dict[Path, Path]) -> None:
    assert len(drafts) == 74
    for record, draft in drafts.items():
        assert XSD.validate(etree.parse(str(draft))), (record.name, XSD.error_log.last_error)
        assert not has_errors(validate(draft, "all")), record.name


def test_every_chosen_organism_gene_id_is_an_entrez_xref(drafts: dict[Path, Path]) -> None:
    checked = 0
    for record_path, draft in drafts.items():
        record = read_record(record_path)
        if not record.genes or record_path.parent.name == "legacy":
            continue
        root = etree.parse(str(draft)).getroot()
        organism = root.get("Organism")
        wanted = {g.entrez for g in record.genes if g.organism == organism and g.entrez}
        found = {x.get("ID") for x in root.iterfind("g:DataNode/g:Xref[@Database='Entrez Gene']", NS)}
        assert wanted <= found, (record_path.name, sorted(wanted - found)[:5])
        checked += len(wanted)
    assert checked > 1000


def test_nothing_is_lost(drafts: dict[Path, Path]) -> None:
    """Every row's OCR word, and every keyword no row accounts for, is a node or label, an OCR word kept in a
    node's comment, or an item of the draft's list of unmapped words: each word found exactly, not as a
    substring of some other text."""
    for record_path, draft in drafts.items():
        kept = _words_in(etree.parse(str(draft)).getroot())
        record = read_record(record_path)
        rows = [*(record.genes or ()), *(record.chemicals or ()), *(record.diseases or ())]
        accounted = {row.word for row in rows} | {getattr(row, "symbol", "") for row in rows}
        accounted |= {getattr(row, "name", "") for row in rows}
        for word in {row.word for row in rows} | (set(record.keywords) - accounted):
            assert word in kept, (record_path.name, word)


def _words_in(root: etree._Element) -> set[str]:
    """The labels of a draft's nodes and labels, the OCR words its node comments keep, its unmapped words."""
    words = {el.get("TextLabel", "") for el in root.iter(f"{{{GPML_NS}}}DataNode", f"{{{GPML_NS}}}Label")}
    for el in root.iter(f"{{{GPML_NS}}}DataNode", f"{{{GPML_NS}}}Label"):
        comment = el.findtext("g:Comment", "", NS).split(". Not annotated:")[0]
        words.update(comment.removeprefix("OCR lexicon match: ").split(", "))
    unmapped = root.findtext(f"g:Comment[@Source='{UNMAPPED_SOURCE}']", "", NS)
    words.update(item.word for item in read_unmapped_comment(unmapped))
    return words


@pytest.mark.skipif(
    not GPML2PVJSON.exists(), reason="gpml2pvjson not installed: run `npm ci --prefix tests/node`"
)
def test_gpml2pvjson_reads_every_node_of_every_draft(drafts: dict[Path, Path], tmp_path: Path) -> None:
    """WikiPathways' json-svg job converts GPML with gpml2pvjson: every draft, with every DataNode, must come
    out in its JSON. gpml2pvjson reads a stream of documents (split at their XML declarations) and writes one
    JSON line per document: all drafts, and the samples', go through one run."""
    assert shutil.which("node"), "node is needed to run gpml2pvjson"
    samples = [convert_record(record, tmp_path).output for record in sorted(SAMPLES.glob("PMC*.md"))]
    files = [*drafts.values(), *samples]
    expected = Counter(_pvjson_key(etree.parse(str(f)).getroot()) for f in files)
    stream = b"".join(f.read_bytes() for f in files)
    done = subprocess.run([str(GPML2PVJSON), "--id", "WP0"], input=stream, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    found = Counter()
    for line in done.stdout.decode().splitlines():
        pvjson = json.loads(line)
        entities = pvjson["entitiesById"].items()
        node_ids = frozenset(key for key, e in entities if e.get("gpmlElementName") == "DataNode")
        found[(pvjson["pathway"]["name"], node_ids)] += 1
    assert len(files) == 77 and sum(found.values()) == len(files)
    assert found == expected


def _pvjson_key(root: etree._Element) -> tuple[str | None, frozenset[str | None]]:
    """A draft as gpml2pvjson should give it back: its name and its DataNodes' GraphIds."""
    return root.get("Name"), frozenset(node.get("GraphId") for node in root.iterfind("g:DataNode", NS))

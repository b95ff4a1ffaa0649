"""The whole shared PFOCR corpus converts to valid drafts, and the drafts feed WikiPathways' own converter."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from converter.gpml import GPML_NS
from converter.pipeline import Conversion
from converter.records import read_record
from converter.validate import has_errors, validate

from .conftest import REPO

NS = {"g": GPML_NS}
XSD = etree.XMLSchema(etree.parse(str(REPO / "schemas" / "GPML2013a.xsd")))
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
    """Every row's OCR word, and every keyword no row accounts for, is a node, a label or listed unmapped."""
    for record_path, draft in drafts.items():
        root = etree.parse(str(draft)).getroot()
        text = " ".join(
            [n.get("TextLabel", "") for n in root.iter(f"{{{GPML_NS}}}DataNode", f"{{{GPML_NS}}}Label")]
            + [c.text or "" for c in root.iter(f"{{{GPML_NS}}}Comment")]
        )
        record = read_record(record_path)
        rows = [*(record.genes or ()), *(record.chemicals or ()), *(record.diseases or ())]
        accounted = {row.word for row in rows} | {getattr(row, "symbol", "") for row in rows}
        accounted |= {getattr(row, "name", "") for row in rows}
        for word in {row.word for row in rows} | (set(record.keywords) - accounted):
            assert word in text, (record_path.name, word)


@pytest.mark.skipif(
    not GPML2PVJSON.exists(), reason="gpml2pvjson not installed: run `npm ci --prefix tests/node`"
)
def test_gpml2pvjson_reads_every_node(drafts: dict[Path, Path]) -> None:
    """WikiPathways' pipeline converts GPML with gpml2pvjson: every DataNode must come out in its JSON."""
    assert shutil.which("node"), "node is needed to run gpml2pvjson"
    for draft in list(drafts.values())[:: max(1, len(drafts) // 12)]:
        done = subprocess.run(
            [str(GPML2PVJSON), "--id", "WP0"], input=draft.read_bytes(), capture_output=True, timeout=60
        )
        assert done.returncode == 0, done.stderr.decode()
        pvjson = json.loads(done.stdout)
        entities = pvjson["entitiesById"]
        node_ids = {n.get("GraphId") for n in etree.parse(str(draft)).getroot().iterfind("g:DataNode", NS)}
        assert node_ids, draft
        assert node_ids <= set(entities), (draft.name, sorted(node_ids - set(entities))[:5])
        assert pvjson["pathway"]["name"] == etree.parse(str(draft)).getroot().get("Name")

"""Rules on the model: a draft's findings before it is written are those its written file gives."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from converter.draft import DraftOptions, build_pathway
from converter.gpml import Finding, parse_gpml, to_gpml, validate
from converter.gpml.model_scan import check_pathway
from converter.mapping import map_record
from converter.model import Box, DataNode, Xref
from converter.records import read_record

from .conftest import SAMPLES, XSD

OPTIONS = DraftOptions(last_modified="20240101000000")


def _drafts(pfocr_dir: Path | None) -> list[Path]:
    records = sorted(SAMPLES.glob("PMC*.md"))
    if pfocr_dir is not None:
        records += sorted(pfocr_dir.glob("_figures/*.md")) + sorted(pfocr_dir.glob("legacy/*.md"))
    return records


def _same(findings: list[Finding]) -> list[tuple[str, str, str, str]]:
    """What both paths must agree on: everything but the line (the model has no file, so no lines)."""
    return sorted((f.rule, f.severity, f.message, f.element) for f in findings)


def _compare(pathway_findings: list[Finding], data: bytes) -> None:
    from_file = validate(data, "all", name="x")
    assert XSD.validate(parse_gpml(data)), XSD.error_log  # what holds by construction, checked
    by_construction = ("schema", "xml-declaration", "organism-last", "encoding")
    assert [f for f in from_file if f.rule in by_construction] == []
    assert _same(pathway_findings) == _same(from_file)


def test_every_draft_gives_the_same_findings_either_way(pfocr_dir: Path) -> None:
    checked = rules = 0
    for record_path in _drafts(pfocr_dir):
        record = read_record(record_path)
        pathway = build_pathway(record, map_record(record), OPTIONS)
        found = check_pathway(pathway, "x")
        _compare(found, to_gpml(pathway))
        checked, rules = checked + 1, rules + len(found)
    assert checked == 77 and rules >= 20  # warnings do fire: annotation, PMC references


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Short"},
        {"organism": ""},
        {"authors": ()},
        {"version": "WP0r1"},
        {"version": ""},
        {"description": "Too short.\nAnd a second line."},
        {"description": "Fifteen words, but a short first line.\nOne two three four five six seven eight."},
        {"board_width": 0.0},
        {"citations": ()},
    ],
)
def test_a_defect_of_the_model_is_found_as_in_its_file(change: dict[str, object]) -> None:
    record = read_record(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    pathway = replace(build_pathway(record, map_record(record), OPTIONS), **change)  # type: ignore[arg-type]
    found = check_pathway(pathway, "x")
    data = to_gpml(pathway)
    assert _same(found) == _same([f for f in validate(data, "all", name="x") if f.rule != "schema"])
    assert found, change


def test_node_defects_are_found_as_in_the_file() -> None:
    record = read_record(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    pathway = build_pathway(record, map_record(record), OPTIONS)
    first, second, *rest = pathway.nodes
    moved = first._replace(box=Box(-50.0, first.box.y, first.box.width, first.box.height))
    covering = second._replace(box=rest[0].box, xref=Xref("Entrez Gene", "JAK2"))
    off = rest[1].box._replace(x=9999.0)
    bare = DataNode("bare_1", "bare", "GeneProduct", Xref("Entrez gene", "12"), off)
    pathway = replace(pathway, nodes=(moved, covering, *rest, bare))
    found = check_pathway(pathway, "x")
    assert {"inside-board", "overlap", "xref-id-pattern", "xref-database"} <= {f.rule for f in found}
    assert _same(found) == _same(validate(to_gpml(pathway), "all", name="x"))


def test_repeated_ids_and_dangling_groups_are_found_by_the_same_rules() -> None:
    """The converter never makes them; should it, the model says so by the file's rules (without the
    file's line numbers and element names)."""
    record = read_record(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    pathway = build_pathway(record, map_record(record), OPTIONS)
    first, second, *rest = pathway.nodes
    twin = second._replace(graph_id=first.graph_id, group="no_such_group")
    pathway = replace(pathway, nodes=(first, twin, *rest))
    found = check_pathway(pathway, "x")
    from_file = validate(to_gpml(pathway), "all", name="x")
    assert {f.rule for f in found} >= {"unique-graphid", "groupref"}
    assert sorted(f.rule for f in found) == sorted(f.rule for f in from_file if f.rule != "schema")


def test_forbidden_characters_are_read_as_the_file_reads_them() -> None:
    record = read_record(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    pathway = build_pathway(record, map_record(record), OPTIONS)
    first, *rest = pathway.nodes
    odd = first._replace(label="JAK\x072", xref=Xref("Entrez\x01 Gene", "37\x0255"))
    pathway = replace(pathway, nodes=(odd, *rest))
    data = to_gpml(pathway)
    xref = parse_gpml(data).getroot().find(".//{*}DataNode/{*}Xref")
    assert (xref.get("Database"), xref.get("ID")) == ("Entrez Gene", "3755")  # the writer drops them
    # so the model must too: read as "Entrez\x01 Gene", it would be an unknown database
    assert _same(check_pathway(pathway, "x")) == _same(validate(data, "all", name="x"))

"""Building the draft pathway and writing it as GPML: metadata rules, ids, determinism, the XSD."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from converter.draft import DraftOptions, build_pathway, description_of, name_of, parse_date
from converter.gpml import GPML_NS, parse_gpml, to_gpml, validate, write_gpml
from converter.mapping import RecordMapping, Term, Unmapped
from converter.model import Box, DataNode, Pathway, Xref
from converter.records import FigureRecord

from .conftest import XSD

NS = {"g": GPML_NS, "bp": "http://www.biopax.org/release/biopax-level3.owl#"}

RECORD = FigureRecord(
    figid="PMC1__fig1",
    source="test",
    title="Graphical abstract",
    caption="Graphical abstract",
    paper_title="A study of kinases in a disease model",
    reftext="Ann Author, et al. J Test. 2020;1(1).",
    year="2020",
    pmcid="PMC1",
    number="GA1",
    figlink="/pmc/articles/PMC1/figure/F1/",
)
MAPPING = RecordMapping(
    organism="Homo sapiens",
    organism_note="",
    route="keywords",
    genes=(
        Term("gene", "GRIN2A", Xref("Entrez Gene", "2903"), ("NMDAR",)),
        Term("gene", "GRIN1", Xref("Entrez Gene", "2902"), ("NMDAR",)),
        Term("gene", "JAK2", Xref("Entrez Gene", "3717"), ("JAK2",)),
    ),
    chemicals=(Term("chemical", "bradykinin", Xref("ChEBI", "CHEBI:3165"), ("Bradykinin",)),),
    diseases=(
        Term("disease", "cancer", Xref("Disease Ontology", "DOID:162"), ("cancer",), "https://x/DOID:162"),
    ),
    unmapped=(Unmapped("Ca2+", "keyword", "not a gene symbol for Homo sapiens"),),
)
OPTIONS = DraftOptions(authors=("Tester",), last_modified="20240101000000")


def _tree(record: FigureRecord = RECORD, mapping: RecordMapping = MAPPING) -> etree._ElementTree:
    return parse_gpml(to_gpml(build_pathway(record, mapping, OPTIONS)))


def test_short_caption_still_gives_a_fifteen_word_description() -> None:
    assert len(description_of(RECORD).split()) >= 15
    assert description_of(RECORD).startswith("Graphical abstract.")


@pytest.mark.parametrize("caption", ["Graphical abstract.", "", "One two three four five six seven."])
def test_the_first_description_line_has_fifteen_words(caption: str) -> None:
    """WikiPathways' pull-request check counts the first line only: a short caption shares it."""
    description = description_of(replace(RECORD, caption=caption))
    assert len(description.split("\n")[0].split()) >= 15
    findings = validate(to_gpml(build_pathway(replace(RECORD, caption=caption), MAPPING, OPTIONS)))
    assert not {f.rule for f in findings} & {"description", "description-first-line"}


def test_a_long_caption_keeps_its_own_paragraph() -> None:
    caption = " ".join(f"word{i}" for i in range(20)) + "."
    assert description_of(replace(RECORD, caption=caption)).split("\n\n")[0] == caption


def test_metadata_as_wikipathways_reads_it() -> None:
    pathway = build_pathway(RECORD, MAPPING, DraftOptions(("Egonw", "Khanspers"), "20240102030405"))
    assert (pathway.version, pathway.last_modified) == ("WP0_r20240102030405", "20240102030405")
    start = to_gpml(pathway).split(b"\n")[1]
    assert start.endswith(
        b' Author="[Egonw, Khanspers]" Last-Modified="20240102030405" Organism="Homo sapiens">'
    )
    assert re.fullmatch(r"WP0_r\d{14}", build_pathway(RECORD, MAPPING).version)  # now, when no date is given


@pytest.mark.parametrize(
    ("given", "wanted"),
    [
        ("2024-01-02", "20240102000000"),
        ("20240102", "20240102000000"),
        ("20240102030405", "20240102030405"),
        ("2024-01-02T03:04:05", "20240102030405"),
    ],
)
def test_dates_become_fourteen_digits(given: str, wanted: str) -> None:
    assert parse_date(given) == wanted


@pytest.mark.parametrize("given", ["2024-13-45", "20240230", "2024111", "soon", "2024-1-2", ""])
def test_impossible_dates_are_refused(given: str) -> None:
    with pytest.raises(ValueError, match="date"):
        parse_date(given)


@pytest.mark.parametrize(
    "options", [{"last_modified": "20240101"}, {"authors": ("a, b",)}, {"authors": ("",)}]
)
def test_options_that_would_write_a_bad_start_tag_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        DraftOptions(**options)


def test_name_prefers_a_long_enough_title() -> None:
    assert name_of(RECORD) == "Graphical abstract"
    assert name_of(replace(RECORD, title="Fig. 2")) == "A study of kinases in a disease model"
    made_up = name_of(replace(RECORD, title="", paper_title="Short"))
    assert len(made_up) >= 10 and "GA1" in made_up and "PMC1" in made_up


def test_draft_is_schema_valid_and_complete() -> None:
    tree = _tree()
    assert XSD.validate(tree), XSD.error_log
    root = tree.getroot()
    assert root.get("Organism") == "Homo sapiens" and root.get("Author") == "[Tester]"
    assert root.get("Last-Modified") == "20240101000000" and root.get("Version") == "WP0_r20240101000000"
    assert root.get("Data-Source") == "WikiPathways"
    assert root.find("g:Graphics", NS) is not None and root.find("g:InfoBox", NS) is not None
    xrefs = {(x.get("Database"), x.get("ID")) for x in root.iterfind("g:DataNode/g:Xref", NS)}
    assert xrefs == {
        ("Entrez Gene", "2903"),
        ("Entrez Gene", "2902"),
        ("Entrez Gene", "3717"),
        ("ChEBI", "CHEBI:3165"),
    }
    hrefs = [label.get("Href") for label in root.iterfind("g:Label", NS) if label.get("Href")]
    assert "https://pfocr.wikipathways.org/figures/PMC1__fig1.html" in hrefs
    assert "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/figure/F1" in hrefs
    assert "https://x/DOID:162" in hrefs  # the disease label
    assert root.findtext("bp:PublicationXref/bp:ID", namespaces={"bp": NS["bp"]}) is None  # nested in Biopax
    assert root.findtext("g:Biopax/bp:PublicationXref/bp:ID", namespaces=NS) == "PMC1"
    unmapped = [c.text for c in root.iterfind("g:Comment", NS) if c.get("Source") == "pfocr2gpml"]
    assert unmapped and "Ca2+ (keyword): not a gene symbol" in unmapped[0]


def test_node_comment_keeps_ocr_words_and_family_group() -> None:
    root = _tree().getroot()
    grin1 = root.find("g:DataNode[@TextLabel='GRIN1']", NS)
    assert grin1 is not None
    assert grin1.findtext("g:Comment", namespaces=NS) == "OCR lexicon match: NMDAR"
    group_id = grin1.get("GroupRef")
    assert root.find(f"g:Group[@GroupId='{group_id}']", NS) is not None
    assert root.find("g:DataNode[@TextLabel='JAK2']", NS).get("GroupRef") is None  # type: ignore[union-attr]


def test_graph_ids_unique_and_content_derived() -> None:
    root = _tree().getroot()
    ids = [e.get("GraphId") for e in root.iter() if e.get("GraphId")]
    assert len(ids) == len(set(ids))
    assert root.find("g:DataNode[@GraphId='gene_3717']", NS) is not None


def test_doi_preferred_over_pmcid_and_never_empty() -> None:
    root = _tree(replace(RECORD, doi="10.1/x")).getroot()
    assert root.findtext("g:Biopax/bp:PublicationXref/bp:DB", namespaces=NS) == "DOI"
    assert root.findtext("g:Biopax/bp:PublicationXref/bp:ID", namespaces=NS) == "10.1/x"
    bare = _tree(replace(RECORD, doi="", pmcid="")).getroot()
    assert bare.find("g:Biopax/bp:PublicationXref", NS) is None


def test_control_characters_are_removed() -> None:
    tree = _tree(replace(RECORD, caption="bad\x01 \x0bcaption\x1f here"))
    desc = tree.getroot().findtext("g:Comment[@Source='WikiPathways-description']", namespaces=NS)
    assert desc is not None and desc.startswith("bad caption here")


def test_unannotated_node_has_empty_xref() -> None:
    mapping = replace(
        MAPPING, genes=(Term("gene", "dpp", None, ("dpp",)),), organism="Drosophila melanogaster"
    )
    root = _tree(mapping=mapping).getroot()
    node = root.find("g:DataNode[@TextLabel='dpp']", NS)
    assert node is not None
    xref = node.find("g:Xref", NS)
    assert xref is not None and (xref.get("Database"), xref.get("ID")) == ("", "")
    assert "Not annotated" in (node.findtext("g:Comment", namespaces=NS) or "")


def test_write_is_deterministic_with_declaration(tmp_path: Path) -> None:
    pathway = build_pathway(RECORD, MAPPING, OPTIONS)
    first = write_gpml(pathway, tmp_path / "a.gpml")
    second = write_gpml(build_pathway(RECORD, MAPPING, OPTIONS), tmp_path / "b.gpml")
    assert first == second == (tmp_path / "a.gpml").read_bytes()
    assert first.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<Pathway')
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


@pytest.mark.parametrize("n", [1, 2000])
def test_any_size_is_valid(n: int) -> None:
    genes = tuple(Term("gene", f"G{i}", Xref("Entrez Gene", str(i + 1)), (f"G{i}",)) for i in range(n))
    tree = _tree(mapping=replace(MAPPING, genes=genes))
    assert XSD.validate(tree), XSD.error_log
    root = tree.getroot()
    assert len(root.findall("g:DataNode", NS)) == n + 1


def test_markup_in_text_round_trips_as_text() -> None:
    """Quotes, angle brackets, ampersands and line breaks come back exactly as text, never as markup."""
    nasty = "A <b>\"title\"</b> & 'more'\n<script>alert(1)</script>\tend"
    record = replace(RECORD, title=nasty, caption=nasty)
    genes = (Term("gene", 'G"<&>', Xref("Entrez Gene", "1"), (nasty,)),)
    root = _tree(record, replace(MAPPING, genes=genes)).getroot()
    assert root.get("Name") == nasty
    node = root.find("g:DataNode", NS)
    assert node is not None and node.get("TextLabel") == 'G"<&>'
    assert node.findtext("g:Comment", namespaces=NS) == f"OCR lexicon match: {nasty}"
    description = root.findtext("g:Comment[@Source='WikiPathways-description']", namespaces=NS) or ""
    assert description.startswith(" ".join(nasty.split()))  # the caption's white space is folded
    assert not list(root.iter("{*}script", "{*}b"))


def test_coordinates_are_rounded_and_keep_their_sign() -> None:
    """Coordinates are formatted once each and looked up after: -0.0 still differs from 0.0."""
    boxes = [Box(0.0, -0.0, 80.0, 25.0), Box(-0.0, 0.0, 80.0, 25.0), Box(123.60000000000001, 2.675, 1e16, 7)]
    nodes = tuple(DataNode(f"n{i}", "G", "GeneProduct", None, box) for i, box in enumerate(boxes))
    root = parse_gpml(to_gpml(Pathway("P", "Homo sapiens", nodes=nodes))).getroot()
    written = [
        tuple(g.get(k) for k in ("CenterX", "CenterY", "Width", "Height"))
        for g in root.iterfind("g:DataNode/g:Graphics", NS)
    ]
    assert written == [
        ("0.0", "-0.0", "80.0", "25.0"),
        ("-0.0", "0.0", "80.0", "25.0"),
        ("123.6", "2.67", "1e+16", "7.0"),
    ]

"""Writing GPML 2013a: escaping, Author lists, the start tag, the Biopax section, atomic writes, the XSD."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from converter.gpml.markup import (
    BIOPAX_NS,
    GPML_NS,
    XML_DECLARATION,
    escape_attr,
    escape_text,
    format_authors,
    parse_authors,
)
from converter.gpml.writer import to_gpml, write_gpml
from converter.model import Box, Citation, DataNode, Group, Label, Pathway, Xref

from .conftest import XSD  # the packaged schema, read with importlib.resources

NS = {"g": GPML_NS, "bp": BIOPAX_NS}
START_TAG_ORDER = ["Name", "Data-Source", "Version", "Author", "Last-Modified", "Organism"]

PATHWAY = Pathway(
    name="JAK2/STAT3 signalling in chronic pain",
    organism="Homo sapiens",
    authors=("Khanspers", "Egonw"),
    data_source="PFOCR",
    version="WP0_r20240101000000",
    last_modified="20240101000000",
    description="The JAK2/STAT3 pathway is activated by IL-6 & TNF in microglia <and> astrocytes.",
    comments=(("pfocr2gpml", "Not mapped by pfocr2gpml (1):\nROS (keyword): common non-gene word"),),
    board_width=600.0,
    board_height=400.0,
    nodes=(
        DataNode("gene_3717", "JAK2", "GeneProduct", Xref("Entrez Gene", "3717"), Box(100, 100, 90, 25)),
        DataNode("gene_6774", "STAT3", "GeneProduct", Xref("Entrez Gene", "6774"), Box(200, 100, 90, 25)),
        DataNode("gene_IL-1β", "IL-1β & co", "GeneProduct", None, Box(300, 100, 90, 25), "no id", "fam"),
        DataNode(
            "chemical_1", "galactose", "Metabolite", Xref("ChEBI", "CHEBI:28260"), Box(100, 200, 90, 25)
        ),
    ),
    labels=(Label("link_0", "PFOCR figure", Box(300, 20, 200, 20), href="https://pfocr.wikipathways.org/"),),
    groups=(Group("fam", "group_fam", "IL1 family"),),
    citations=(
        Citation("paper", "DOI", "10.14336/AD.2023.0515", "Targeting JAK2/STAT3", "Aging Dis", "2024"),
    ),
    ontology_terms=(("cancer", "DOID:162", "Disease"), ("coronary artery disease", "DOID:3393", "Disease")),
)


def parsed_attr(value: str) -> str | None:
    """``value`` written through escape_attr into an attribute, as a parser reads it back."""
    return etree.fromstring(f'<a v="{escape_attr(value)}"/>'.encode()).get("v")


def parsed_text(value: str) -> str | None:
    """``value`` written through escape_text as element text, as a parser reads it back."""
    return etree.fromstring(f"<a>{escape_text(value)}</a>".encode()).text


def start_tag(data: bytes) -> str:
    return data.decode("utf-8").split("\n")[1]


@pytest.mark.parametrize("value", ["IL-1 & <TNF>", "a > b", 'say "JAK2"', "&amp; is text", "IL-1β"])
def test_markup_characters_survive_as_text_and_attributes(value: str) -> None:
    assert parsed_text(value) == value
    assert parsed_attr(value) == value


def test_escape_text_spells_the_docstring_example() -> None:
    assert escape_text("IL-1 & <TNF>") == "IL-1 &amp; &lt;TNF&gt;"
    assert escape_text("JAK2") == "JAK2"


@pytest.mark.parametrize("value", ["a\tb", "line one\nline two", "cr\rhere", "crlf\r\nend", "\t \n  "])
def test_white_space_in_attributes_survives_a_parse(value: str) -> None:
    assert parsed_attr(value) == value
    assert parsed_text(value) == value
    unescaped = etree.fromstring(f'<a v="{value}"/>'.encode()).get("v")
    assert unescaped != value  # a parser folds it when it is not escaped: the escaping is what keeps it


def test_forbidden_characters_and_lone_surrogates_are_dropped() -> None:
    dirty = "J\x00A\x01K\x08\x0b\x0c2\x0e\x1f\ud800\udfff\ufffe\uffff"
    assert escape_text(dirty) == escape_attr(dirty) == "JAK2"
    assert parsed_text(dirty) == parsed_attr(dirty) == "JAK2"


def test_allowed_unusual_characters_are_kept() -> None:
    value = "\x7f\x85\u2028😀"
    assert escape_text(value) == value
    assert parsed_attr(value) == value


def test_authors_round_trip() -> None:
    authors = ("Khanspers", "Egonw", "PFOCR")
    assert format_authors(authors) == "[Khanspers, Egonw, PFOCR]"
    assert parse_authors(format_authors(authors)) == authors
    assert parse_authors(" [ Khanspers ,Egonw , ] ") == ("Khanspers", "Egonw")


@pytest.mark.parametrize("value", ["Khanspers", "Khanspers, Egonw", "[Khanspers", "Khanspers]", ""])
def test_an_unbracketed_author_list_is_none(value: str) -> None:
    assert parse_authors(value) is None


def test_an_empty_author_list() -> None:
    assert format_authors(()) == "[]"
    assert parse_authors("[]") == () == parse_authors("[ , ]")


def test_the_output_is_valid_gpml_2013a_with_the_declaration() -> None:
    data = to_gpml(PATHWAY)
    assert data.startswith(XML_DECLARATION.encode())
    tree = etree.fromstring(data).getroottree()
    XSD.assertValid(tree)


def test_a_bare_pathway_is_valid_too() -> None:
    XSD.assertValid(etree.fromstring(to_gpml(Pathway(name="A small pathway", organism="Mus musculus"))))


def test_the_start_tag_is_one_line_in_order_with_organism_last() -> None:
    data = to_gpml(PATHWAY)
    line = start_tag(data)
    assert line.startswith("<Pathway ") and line.endswith('Organism="Homo sapiens">')
    assert re.findall(r' ([\w:-]+)="', line) == ["xmlns", *START_TAG_ORDER]
    root = etree.fromstring(data)
    assert list(root.attrib) == START_TAG_ORDER
    assert root.get("Author") == "[Khanspers, Egonw]"


def test_empty_optional_attributes_are_left_out() -> None:
    root = etree.fromstring(to_gpml(Pathway(name="A small pathway", organism="Mus musculus")))
    assert list(root.attrib) == ["Name", "Organism"]


def test_line_breaks_in_the_name_keep_the_start_tag_on_one_line() -> None:
    name = 'JAK2/STAT3\nin "chronic"\tpain & <more>'
    data = to_gpml(Pathway(name=name, organism="Homo sapiens", last_modified="20240101000000"))
    assert start_tag(data).endswith('Organism="Homo sapiens">')
    assert etree.fromstring(data).get("Name") == name


def test_disease_ontology_terms_reach_the_biopax_section() -> None:
    root = etree.fromstring(to_gpml(PATHWAY))
    assert etree.QName(root[-1]).localname == "Biopax"
    terms = root.findall("g:Biopax/bp:openControlledVocabulary", NS)
    found = [tuple(child.text for child in term) for term in terms]
    assert found == [("cancer", "DOID:162", "Disease"), ("coronary artery disease", "DOID:3393", "Disease")]
    assert [etree.QName(child).localname for child in terms[0]] == ["TERM", "ID", "Ontology"]
    assert root.findtext("g:Biopax/bp:PublicationXref/bp:ID", namespaces=NS) == "10.14336/AD.2023.0515"


def test_ontology_terms_alone_make_a_valid_biopax_section() -> None:
    pathway = Pathway(
        name="Cancer pathway", organism="Homo sapiens", ontology_terms=(("cancer", "DOID:162", "Disease"),)
    )
    root = etree.fromstring(to_gpml(pathway))
    XSD.assertValid(root)
    assert root.findtext("g:Biopax/bp:openControlledVocabulary/bp:ID", namespaces=NS) == "DOID:162"
    assert root.find("g:BiopaxRef", NS) is None


def test_no_biopax_section_without_citations_or_terms() -> None:
    root = etree.fromstring(to_gpml(Pathway(name="A small pathway", organism="Homo sapiens")))
    assert root.find("g:Biopax", NS) is None


def test_nodes_keep_their_labels_xrefs_and_groups() -> None:
    root = etree.fromstring(to_gpml(PATHWAY))
    nodes = {n.get("GraphId"): n for n in root.findall("g:DataNode", NS)}
    assert list(nodes) == [n.graph_id for n in PATHWAY.nodes]
    xref = nodes["gene_3717"].find("g:Xref", NS)
    assert xref is not None and (xref.get("Database"), xref.get("ID")) == ("Entrez Gene", "3717")
    bare = nodes["gene_IL-1β"]
    assert bare.get("TextLabel") == "IL-1β & co" and bare.get("GroupRef") == "fam"
    bare_xref = bare.find("g:Xref", NS)
    assert bare_xref is not None and sorted(bare_xref.keys()) == ["Database", "ID"]
    assert bare_xref.get("Database") == bare_xref.get("ID") == ""
    assert [g.get("GroupId") for g in root.findall("g:Group", NS)] == ["fam"]


def test_write_gpml_writes_the_same_bytes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "PMC1__f1.gpml"
    target.write_bytes(b"an older draft")
    returned = write_gpml(PATHWAY, target)
    assert returned == to_gpml(PATHWAY) == target.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left beside it


def test_escaping_spells_tabs_newlines_and_quotes_as_references() -> None:
    assert escape_attr('<a href="x">&\t\n\r') == "&lt;a href=&quot;x&quot;&gt;&amp;&#9;&#10;&#13;"
    assert escape_text('<a href="x">&\t\n\r') == '&lt;a href="x"&gt;&amp;\t\n&#13;'
    assert escape_attr("a\x00b\x1fc\ud800d\ufffe") == "abcd", "XML forbids these: dropped"

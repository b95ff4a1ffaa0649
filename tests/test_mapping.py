"""Mapping a record's words to terms: the organism chosen, the route taken, and nothing dropped silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter import links
from converter.defaults import DATA_ENV
from converter.gene_info import import_gene_info
from converter.mapping import DEFAULT_ORGANISM, RecordMapping, Unmapped, choose_organism, map_record
from converter.model import Xref
from converter.records import ChemicalRow, DiseaseRow, FigureRecord, GeneRow

HUMAN, MOUSE, RAT, FISH = "Homo sapiens", "Mus musculus", "Rattus norvegicus", "Danio rerio"

#: PFOCR gene rows as a genes table gives them: a word, NCBI symbol and id, and the organism matched.
GENE_ROWS = (
    GeneRow("JAK2", "JAK2", "3717", HUMAN),
    GeneRow("Jak2", "Jak2", "16452", MOUSE),
    GeneRow("TNF", "TNF", "7124", HUMAN),
    GeneRow("TNF", "Tnf", "21926", MOUSE),
    GeneRow("TNF-alpha", "TNF", "7124", HUMAN),
    GeneRow("Stat3", "Stat3", "20848", MOUSE),
    GeneRow("Stat3", "Stat3", "25125", RAT),
    GeneRow("p-STAT", "", "", HUMAN),
)
GALACTOSE = ChemicalRow("GAL", "Galactose", "D005690", "CHEBI:28260")
CORONARY = DiseaseRow("CAD", "coronary artery disease", "D003324", "DOID:3393")


def record(**fields: object) -> FigureRecord:
    return FigureRecord(figid="PMC1__f1", source="test", **fields)  # type: ignore[arg-type]


def words_of(mapping: RecordMapping) -> set[str]:
    """Every word the mapping accounts for: in a term or in ``unmapped``."""
    terms = (*mapping.genes, *mapping.chemicals, *mapping.diseases)
    return {w for t in terms for w in t.words} | {u.word for u in mapping.unmapped}


def test_an_override_wins_over_every_named_organism() -> None:
    rec = record(organisms=(MOUSE,), genes=GENE_ROWS)
    assert choose_organism(rec, RAT) == (RAT, "")
    assert map_record(rec, RAT).organism == RAT


def test_the_first_curated_then_ner_organism_with_gene_rows_is_chosen() -> None:
    curated_first = record(organisms=(FISH, MOUSE), organisms_ner=(HUMAN,), genes=GENE_ROWS)
    assert choose_organism(curated_first) == (MOUSE, "")
    ner_only = record(organisms=(FISH,), organisms_ner=(RAT, HUMAN), genes=GENE_ROWS)
    assert choose_organism(ner_only) == (RAT, "")


def test_without_rows_for_any_named_organism_the_first_named_is_taken_with_a_note() -> None:
    organism, note = choose_organism(record(organisms=(FISH,), organisms_ner=(HUMAN,), genes=GENE_ROWS[5:7]))
    assert organism == FISH
    assert "no organism named by the record has rows in its genes table" in note


def test_without_a_genes_table_the_first_named_organism_is_taken_silently() -> None:
    assert choose_organism(record(organisms_ner=(MOUSE, HUMAN))) == (MOUSE, "")


def test_a_record_naming_no_organism_is_human_with_a_note() -> None:
    organism, note = choose_organism(record(keywords=("JAK2",)))
    assert organism == DEFAULT_ORGANISM == HUMAN
    assert "names no organism" in note and HUMAN in note
    assert map_record(record(keywords=("JAK2",))).organism_note == note


def test_table_genes_are_one_term_per_ncbi_id_for_the_chosen_organism_only() -> None:
    mapping = map_record(record(organisms=(HUMAN,), genes=GENE_ROWS))
    assert mapping.route == "PFOCR tables"
    by_id = {t.xref.id: t for t in mapping.genes if t.xref}
    assert set(by_id) == {"3717", "7124"}
    assert by_id["7124"].words == ("TNF", "TNF-alpha")
    assert by_id["3717"].xref == Xref("Entrez Gene", "3717")
    assert Unmapped("p-STAT", "gene", "PFOCR matched it to no NCBI Gene id") in mapping.unmapped


def test_words_matched_only_for_other_organisms_say_which() -> None:
    mapping = map_record(record(organisms=(HUMAN,), genes=GENE_ROWS))
    reasons = {u.word: u.reason for u in mapping.unmapped if u.kind == "gene"}
    assert reasons["Stat3"] == f"matched only for other organisms ({MOUSE}, {RAT}), not {HUMAN}"
    assert reasons["Jak2"] == f"matched only for other organisms ({MOUSE}), not {HUMAN}"
    assert "TNF" not in reasons  # it has a human row too


def test_keywords_without_a_table_row_are_unmapped_on_the_tables_route() -> None:
    mapping = map_record(record(organisms=(HUMAN,), keywords=("JAK2", "STAT3", "microglia"), genes=GENE_ROWS))
    unmatched = {u.word for u in mapping.unmapped if u.reason == "no row in the figure's PFOCR tables"}
    assert unmatched == {"STAT3", "microglia"}
    assert [t.label for t in mapping.genes if "STAT3" in t.words] == []


def test_a_record_without_tables_resolves_its_keywords() -> None:
    mapping = map_record(record(organisms=(HUMAN,), keywords=("JAK2", "STAT3", "GAL", "CAD")))
    assert mapping.route == "keywords"
    assert {t.label for t in mapping.genes} == {"JAK2", "STAT3", "GAL", "CAD"}
    assert {t.xref for t in mapping.genes if t.label == "STAT3"} == {Xref("Entrez Gene", "6774")}


@pytest.mark.parametrize(
    ("tables", "accounted"),
    [
        ({"chemicals": (GALACTOSE,)}, "GAL"),
        ({"diseases": (CORONARY,)}, "CAD"),
    ],
)
def test_chemical_or_disease_tables_alone_leave_the_other_keywords_to_the_gene_table(
    tables: dict[str, tuple[ChemicalRow | DiseaseRow, ...]], accounted: str
) -> None:
    keywords = ("JAK2", "STAT3", "GAL", "CAD", "Galactose", "coronary artery disease")
    mapping = map_record(record(organisms=(HUMAN,), keywords=keywords, **tables))
    assert mapping.route == "PFOCR tables + keywords"
    genes = {t.label for t in mapping.genes}
    assert {"JAK2", "STAT3"} <= genes
    assert accounted not in genes  # a gene symbol too, but the table says what it is here
    other = ({"GAL", "CAD"} - {accounted}).pop()
    assert other in genes  # not in the table: resolved as a gene
    keyword_words = {u.word for u in mapping.unmapped if u.kind == "keyword"}
    row = next(iter(tables.values()))[0]
    assert row.word not in keyword_words and row.name not in keyword_words


def test_with_both_side_tables_the_genes_come_from_the_keywords_left() -> None:
    tables = {"chemicals": (GALACTOSE,), "diseases": (CORONARY,)}
    rec = record(organisms=(HUMAN,), keywords=("TNF", "GAL", "CAD"), **tables)
    mapping = map_record(rec)
    assert mapping.route == "PFOCR tables + keywords"
    assert [(t.label, t.xref) for t in mapping.genes] == [("TNF", Xref("Entrez Gene", "7124"))]


@pytest.mark.parametrize(
    "rec",
    [
        record(
            organisms=(HUMAN,),
            keywords=("JAK2", "STAT3", "ROS", "GAL", "Galactose", "cancer"),
            genes=GENE_ROWS,
            chemicals=(GALACTOSE, ChemicalRow("Ca2+"), ChemicalRow("NO", "Nitric Oxide", "D009569")),
            diseases=(CORONARY, DiseaseRow("pain", "Pain", "D010146"), DiseaseRow("ache")),
        ),
        record(keywords=("JAK2", "TNF", "TNF-a", "IL-6", "IL6", "ROS", "ATP", "chronic pain", "xyzzy")),
        record(organisms=(HUMAN,), keywords=("TNF", "GAL", "CAD", "ROS"), chemicals=(GALACTOSE,)),
        record(organisms=("Drosophila melanogaster",), keywords=("Dl", "N", "ATP", "chronic pain")),
    ],
    ids=["all tables", "keywords", "tables + keywords", "no gene table for the organism"],
)
def test_every_row_word_and_unaccounted_keyword_ends_in_a_term_or_unmapped(rec: FigureRecord) -> None:
    mapping = map_record(rec)
    genes, chemicals, diseases = rec.genes or (), rec.chemicals or (), rec.diseases or ()
    words = {r.word for r in genes} | {r.word for r in chemicals} | {r.word for r in diseases}
    names = {r.symbol for r in genes} | {r.name for r in chemicals} | {r.name for r in diseases}
    expected = words | {k for k in rec.keywords if k not in words | names}
    assert expected and expected <= words_of(mapping)
    assert all(u.reason for u in mapping.unmapped)


def test_unmapped_entries_are_not_repeated() -> None:
    rows = (GeneRow("p-STAT", "", "", HUMAN), GeneRow("p-STAT", "", "", HUMAN))
    mapping = map_record(record(organisms=(HUMAN,), genes=rows))
    assert mapping.unmapped == (Unmapped("p-STAT", "gene", "PFOCR matched it to no NCBI Gene id"),)


def test_a_gene_without_an_embedded_table_is_kept_bare_and_reported() -> None:
    mapping = map_record(record(organisms=("Drosophila melanogaster",), keywords=("Dl", "ATP")))
    assert [(t.label, t.xref) for t in mapping.genes] == [("Dl", None)]
    assert mapping.mapped_count == 0
    reasons = {(u.word, u.kind): u.reason for u in mapping.unmapped}
    assert "does not cover Drosophila melanogaster" in reasons[("Dl", "gene")]
    assert reasons[("Dl", "gene")].endswith(
        "(NCBI's gene_info for it can be imported: pfocr2gpml genes import; --online looks it up)"
    )
    assert "non-gene" in reasons[("ATP", "keyword")]
    cow = map_record(record(organisms=("Bos taurus",), keywords=("TNF",)))
    assert cow.unmapped[0].reason == (
        "kept without identifier: the offline gene table does not cover Bos taurus (--online looks it up)"
    )


def test_an_imported_organism_resolves_its_keywords(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "Danio_rerio.gene_info"
    source.write_text(
        "#tax_id\tGeneID\tSymbol\tSynonyms\tdbXrefs\tModification_date\n"
        "7955\t30590\tjak2a\tjak2\tZFIN:ZDB-GENE-000607-1\t20210101\n"
        "7955\t404627\tstat3\tSTAT3\tZFIN:ZDB-GENE-990415-1\t20210101\n"
    )
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    import_gene_info(source)
    mapping = map_record(record(organisms=(FISH,), keywords=("jak2", "STAT3", "Ca2+")))
    assert [(t.label, t.xref, t.words) for t in mapping.genes] == [
        ("jak2a", Xref("Entrez Gene", "30590"), ("jak2",))
    ]
    reasons = {u.word: u.reason for u in mapping.unmapped}
    assert reasons["STAT3"] == "ambiguous: alias of stat3, but an official symbol of Homo sapiens"
    assert reasons["Ca2+"] == "common non-gene word (chemical)"


def test_diseases_link_to_the_disease_ontology_else_to_mesh() -> None:
    also_coronary = DiseaseRow("coronary disease", "", "", "DOID:3393")
    rows = (CORONARY, also_coronary, DiseaseRow("pain", "Pain", "D010146"))
    mapping = map_record(record(organisms=(HUMAN,), diseases=rows))
    [coronary, pain] = mapping.diseases
    assert coronary.xref == Xref("Disease Ontology", "DOID:3393")
    assert coronary.href == links.disease_ontology("DOID:3393")
    assert coronary.href.startswith("https://disease-ontology.org/") and "DOID:3393" in coronary.href
    assert coronary.words == ("CAD", "coronary disease") and coronary.label == "coronary artery disease"
    assert pain.xref == Xref("MeSH", "D010146") and pain.href == links.mesh("D010146")
    assert mapping.mapped_count == 2


def test_chemicals_prefer_chebi_over_mesh_and_unidentified_ones_are_reported() -> None:
    rows = (GALACTOSE, ChemicalRow("NO", "Nitric Oxide", "D009569"), ChemicalRow("Ca2+", "calcium"))
    mapping = map_record(record(organisms=(HUMAN,), chemicals=rows))
    assert [t.xref for t in mapping.chemicals] == [Xref("ChEBI", "CHEBI:28260"), Xref("MeSH", "D009569")]
    assert all(t.href == "" for t in mapping.chemicals)
    assert Unmapped("Ca2+", "chemical", "PFOCR matched it to no MeSH, ChEBI or DOID id") in mapping.unmapped

"""Tests for converter.related and the ``related`` command: hand-made pathways with known overlaps, a GMT
file, the cache, Xref mapping, and the live WikiPathways pathways."""

from __future__ import annotations

import gzip
import json
import math
import os
import random
from collections.abc import Iterator, Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from converter import gene_info, genes
from converter.cli import app
from converter.defaults import DATA_ENV
from converter.draft import DraftOptions
from converter.errors import SchemaError
from converter.gene_info import import_gene_info
from converter.genes import GeneIndex
from converter.gpml import GPML_NS, parse_gpml
from converter.gpml.markup import G
from converter.pipeline import ConvertOptions, convert_record
from converter.related import (
    RelatedError,
    RelatedIndex,
    build_index,
    jaccard,
    load_index,
    log_hypergeom_sf,
    organism_key,
    pathway_gene_set,
    rank_gene_set,
    read_gene_set,
    related,
)
from converter.related.cache import cache_file
from converter.related.genesets import _data_nodes
from converter.related.xrefs import EntrezMapper, entrez_mapper

from .conftest import SAMPLES

runner = CliRunner()
HUMAN, MOUSE = "Homo sapiens", "Mus musculus"
Node = tuple[str, str, str]  # (Type, Xref Database, Xref ID)


def gpml(title: str, organism: str, nodes: Sequence[Node], version: str = "WP0_r20240101000000") -> str:
    """A small GPML 2013a pathway: one DataNode per (type, database, id), then an Interaction and a Label
    (after the DataNodes, where reading stops)."""
    body = "".join(
        f'  <DataNode TextLabel="{ident or "x"}" GraphId="n{i}" Type="{kind}">\n'
        f'    <Graphics CenterX="{50 + i}" CenterY="50" Width="80" Height="20"/>\n'
        f'    <Xref Database="{database}" ID="{ident}"/>\n  </DataNode>\n'
        for i, (kind, database, ident) in enumerate(nodes)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Pathway xmlns="{GPML_NS}" Name="{title}" Version="{version}" Organism="{organism}">\n'
        '  <Graphics BoardWidth="500" BoardHeight="500"/>\n'
        f"{body}"
        '  <Interaction GraphId="i1"><Graphics><Point X="1" Y="1"/><Point X="2" Y="2"/></Graphics>'
        '<Xref Database="Entrez Gene" ID="999999"/></Interaction>\n'
        '  <Label TextLabel="a note" GraphId="l1"><Graphics CenterX="1" CenterY="1" Width="1" Height="1"/>'
        '</Label>\n  <InfoBox CenterX="0" CenterY="0"/>\n  <Biopax/>\n</Pathway>\n'
    )


def entrez_nodes(ids: Sequence[int]) -> list[Node]:
    return [("GeneProduct", "Entrez Gene", str(i)) for i in ids]


#: WP id -> (title, organism, Entrez Gene ids): human A and B overlap, C stands apart, mouse M holds A's ids.
SETS = {
    "WP10": ("Pathway A", HUMAN, list(range(1, 11))),
    "WP2": ("Pathway B", HUMAN, list(range(5, 31))),
    "WP3": ("Pathway C", HUMAN, list(range(100, 105))),
    "WP4": ("Pathway M", MOUSE, list(range(1, 11))),
}
UNIVERSE = 35  # human genes: 1..30 and 100..104


def write_folder(root: Path) -> Path:
    """A wikipathways-database-like checkout of SETS: ``pathways/WPn/WPn.gpml``."""
    for wpid, (title, organism, ids) in SETS.items():
        folder = root / "pathways" / wpid
        folder.mkdir(parents=True)
        nodes = [*entrez_nodes(ids), ("Metabolite", "ChEBI", "CHEBI:15422"), ("GeneProduct", "", "")]
        (folder / f"{wpid}.gpml").write_text(gpml(title, organism, nodes, f"{wpid}_r1"))
    return root


def write_gmt(path: Path) -> Path:
    lines = [
        f"{title}%WikiPathways_20240510%{wpid}%{organism}\thttps://example.org/{wpid}\t"
        + "\t".join(map(str, ids))
        for wpid, (title, organism, ids) in SETS.items()
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def exact_sf(k: int, universe: int, size: int, drawn: int) -> Fraction:
    """P(X >= k), X hypergeometric, summed directly from binomial coefficients."""
    top = sum(
        math.comb(size, i) * math.comb(universe - size, drawn - i) for i in range(k, min(size, drawn) + 1)
    )
    return Fraction(top, math.comb(universe, drawn))


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder of the test's own, where the index cache goes."""
    folder = tmp_path / "data"
    monkeypatch.setenv(DATA_ENV, str(folder))
    return folder


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "wikipathways-database")


# --- the score ------------------------------------------------------------------------------------


def test_p_values_match_a_direct_sum_everywhere_small() -> None:
    for universe in range(1, 13):
        for size in range(universe + 1):
            for drawn in range(universe + 1):
                for k in range(min(size, drawn) + 2):
                    want = float(exact_sf(k, universe, size, drawn)) if k <= min(size, drawn) else 0.0
                    got = math.exp(log_hypergeom_sf(k, universe, size, drawn))
                    assert got == pytest.approx(want, rel=1e-9, abs=1e-300), (k, universe, size, drawn)


@pytest.mark.parametrize(
    ("k", "universe", "size", "drawn"),
    [
        (40, 20000, 300, 200),
        (3, 20000, 300, 200),
        (1, 9424, 17, 17),
        (17, 9424, 17, 17),
        (250, 12000, 400, 300),
    ],
)
def test_p_values_of_genome_sized_sets_match_exact_fractions(
    k: int, universe: int, size: int, drawn: int
) -> None:
    exact = exact_sf(k, universe, size, drawn)
    want = math.log(exact.numerator) - math.log(exact.denominator)  # exact even below the smallest double
    assert log_hypergeom_sf(k, universe, size, drawn) == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_jaccard() -> None:
    assert jaccard(2, 4, 4) == pytest.approx(2 / 6)
    assert jaccard(0, 0, 0) == 0.0


# --- reading pathways -----------------------------------------------------------------------------


def test_a_folder_and_a_gmt_give_the_same_sets(checkout: Path, tmp_path: Path) -> None:
    folder, gmt = build_index(checkout), build_index(write_gmt(tmp_path / "wp.gmt"))
    for index in (folder, gmt):
        assert [s.id for s in index.sets] == ["WP2", "WP3", "WP10", "WP4"]  # by organism, then WP number
        assert {s.id: sorted(s.genes) for s in index.sets} == {w: ids for w, (_, _, ids) in SETS.items()}
        assert index.organism("homo  SAPIENS").universe == UNIVERSE  # type: ignore[union-attr]
        assert index.organisms() == {HUMAN: 3, MOUSE: 1}
    # the GPML files' empty GeneProduct is counted; the Metabolite and the Interaction's Xref are not genes
    assert {(s.nodes, s.unmapped) for s in folder.sets if s.id == "WP3"} == {(6, 1)}
    assert {(s.nodes, s.unmapped) for s in gmt.sets if s.id == "WP3"} == {(5, 0)}


def test_ranking_with_known_overlaps_and_exact_p_values(checkout: Path) -> None:
    index = build_index(checkout)
    ranking = related([1, 2, 3, 4, 5, 6, 999], "Homo sapiens", index, top=5)
    assert (ranking.genes, ranking.in_universe, ranking.universe, ranking.pathways) == (7, 6, UNIVERSE, 3)
    assert [(m.wpid, m.shared, m.size) for m in ranking.matches] == [
        ("WP10", (1, 2, 3, 4, 5, 6), 10),
        ("WP2", (5, 6), 26),
    ]  # WP3 shares nothing; mouse WP4, with the same ids, is another organism
    first, second = ranking.matches
    assert first.p_value == pytest.approx(float(exact_sf(6, UNIVERSE, 10, 6)), rel=1e-12)
    assert second.p_value == pytest.approx(float(exact_sf(2, UNIVERSE, 26, 6)), rel=1e-12)
    assert first.jaccard == pytest.approx(6 / 11) and second.jaccard == pytest.approx(2 / 31)
    mouse = related([1, 2, 3], "Mus musculus", index)
    assert [m.wpid for m in mouse.matches] == ["WP4"]


def brute_force(genes: frozenset[int], organism: str, index: RelatedIndex, top: int) -> list[str]:
    """The best ``top`` by the exact p-value of every pathway sharing a gene, then Jaccard, then WP id."""
    group = index.organism(organism)
    assert group is not None
    drawn = sum(gene in group.postings for gene in genes)
    scored = []
    for position, member in enumerate(group.sets):  # sets are in WP id order
        shared = len(genes & member.genes)
        if shared:
            log_p = log_hypergeom_sf(shared, group.universe, len(member.genes), drawn)
            scored.append((log_p, -jaccard(shared, len(genes), len(member.genes)), position, member.id))
    return [item[-1] for item in sorted(scored)[:top]]


def test_ranking_by_bounds_keeps_exactly_the_best(tmp_path: Path) -> None:
    """Pathways whose p-value bound rules them out are skipped: the list is still the brute-force one."""
    rng = random.Random(3)
    gmt = tmp_path / "random.gmt"
    lines = []
    for number in range(1, 121):
        genes = rng.sample(range(1, 400), rng.choice([2, 5, 10, 40, 150]))
        lines.append(f"P{number}%WikiPathways_1%WP{number}%Homo sapiens\tu\t" + "\t".join(map(str, genes)))
    gmt.write_text("\n".join(lines) + "\n")
    index = build_index(gmt)
    for _ in range(200):
        query = frozenset(rng.sample(range(1, 450), rng.choice([1, 3, 10, 30, 100])))
        for top in (1, 5, 30):
            got = [m.wpid for m in related(query, HUMAN, index, top).matches]
            assert got == brute_force(query, HUMAN, index, top), (sorted(query), top)


def test_ties_are_broken_by_wp_id(tmp_path: Path) -> None:
    gmt = tmp_path / "ties.gmt"
    gmt.write_text(
        "B%WikiPathways_1%WP20%Homo sapiens\tu\t1\t2\t3\t4\n"
        "A%WikiPathways_1%WP3%Homo sapiens\tu\t1\t2\t5\t6\n"
        "C%WikiPathways_1%WP100%Homo sapiens\tu\t1\t2\t7\t8\n"
    )
    index = build_index(gmt)
    ranking = related([1, 2], HUMAN, index, top=2)
    assert [m.wpid for m in ranking.matches] == ["WP3", "WP20"]  # equal p and Jaccard: WP3 before WP20
    assert related([1, 2], HUMAN, index, exclude={"WP3"}).matches[0].wpid == "WP20"
    with pytest.raises(ValueError, match="top must be 1 or more"):
        related([1, 2], HUMAN, index, top=0)


def test_nothing_to_rank_says_why(checkout: Path, tmp_path: Path) -> None:
    index = build_index(checkout)
    assert related([999], HUMAN, index).reason == "no Homo sapiens pathway shares a gene"
    assert related([1], "Danio rerio", index).reason == "the index has no Danio rerio pathways"
    empty = tmp_path / "empty.gpml"
    empty.write_text(gpml("Only a metabolite", HUMAN, [("Metabolite", "ChEBI", "CHEBI:15422")]))
    assert rank_gene_set(read_gene_set(empty), index).reason == "it has no gene nodes"
    mouse = tmp_path / "mgi.gpml"
    mouse.write_text(gpml("Mouse genes by MGI", MOUSE, [("GeneProduct", "MGI", "MGI:96629")]))
    reason = rank_gene_set(read_gene_set(mouse), index).reason
    assert reason.startswith("none of its 1 gene nodes has an Entrez Gene id (the Mus musculus gene table")


def test_a_pathway_is_not_related_to_itself(checkout: Path) -> None:
    index = build_index(checkout)
    own = read_gene_set(checkout / "pathways" / "WP10" / "WP10.gpml")
    assert own.id == "WP10"
    assert [m.wpid for m in rank_gene_set(own, index).matches] == ["WP2"]


def test_xrefs_map_to_entrez_gene_ids(tmp_path: Path) -> None:
    nodes: list[Node] = [
        ("GeneProduct", "Ensembl", "ENSG00000096968.12"),  # JAK2, with a version
        ("Protein", "Uniprot-TrEMBL", "P40763"),  # STAT3
        ("GeneProduct", "HGNC", "TP53"),  # HGNC holds the symbol
        ("Rna", "HGNC Accession number", "6192"),  # JAK2 again
        ("RNA", "HGNC Accession number", "HGNC:11364"),  # STAT3 again
        ("GeneProduct", "Entrez Gene", " 7124 "),  # TNF
        ("Complex", "Entrez Gene", "3716"),  # a gene database makes it a gene node whatever the Type
        ("GeneProduct", "Ensembl", "ENSG99999999999"),  # unknown
        ("GeneProduct", "Entrez Gene", "GeneID:5"),  # not an Entrez Gene id
        ("GeneProduct", "Entrez Gene", "\u00b2"),  # a digit, but not one int() reads
        ("Protein", "Enzyme Nomenclature", "1.1.1.1"),
        ("Metabolite", "Entrez Gene", "1"),  # a gene database: counted as a gene
        ("Pathway", "WikiPathways", "WP554"),
    ]
    path = tmp_path / "mixed.gpml"
    path.write_text(gpml("Mixed identifiers", "homo sapiens", nodes))
    found = read_gene_set(path)
    assert found.organism == HUMAN and found.id == "mixed"
    assert found.genes == {3717, 6774, 7157, 7124, 3716, 1}
    assert (found.nodes, found.unmapped) == (12, 4)
    assert found.labels[7157] == "TP53"


def test_a_draft_in_memory_gives_the_set_its_file_gives(tmp_path: Path) -> None:
    for record in sorted(SAMPLES.glob("PMC*.md")):
        done = convert_record(record, tmp_path, ConvertOptions())
        in_memory, on_disk = pathway_gene_set(done.pathway, done.figid), read_gene_set(done.output)
        assert in_memory == on_disk and in_memory.labels == on_disk.labels and in_memory.id == done.figid
        assert in_memory.nodes == done.genes
        # the mouse sample's keywords give MGI ids, which the embedded mouse table cannot turn into Entrez
        # Gene ids; the fly sample's nodes have no ids without an imported fly table
        assert bool(in_memory.genes) == (in_memory.organism == HUMAN)


def test_mgi_rgd_and_organism_ids_map_where_a_table_has_entrez_ids() -> None:
    # The embedded mouse and rat tables hold no Entrez Gene ids: without an imported gene_info, MGI maps to
    # nothing, and that is said, with what to do.
    mouse = entrez_mapper(MOUSE)
    assert mouse.entrez("MGI", "MGI:96629") is None and "no Entrez Gene ids" in mouse.note
    assert "pfocr2gpml genes import" in mouse.note
    assert mouse.entrez("Entrez Gene", "16452") == 16452
    # A table with Entrez Gene ids maps MGI, RGD and Ensembl ids through them; an id of two genes to none.
    table = (
        "symbol\tentrez\tmgi\trgd\tensembl\n"
        "Dup1\t11\tMGI:3\t\tENSMUSG00000000002\n"
        "Dup2\t12\tMGI:4\t\tENSMUSG00000000002\n"
        "Jak2\t16452\tMGI:96629\t2939\tENSMUSG00000024789\n"
    )
    mapper = EntrezMapper(MOUSE, GeneIndex(MOUSE, table))
    assert mapper.note == ""
    assert mapper.entrez("MGI", "MGI:96629") == mapper.entrez("MGI", "96629") == 16452
    assert mapper.entrez("RGD", "2939") == mapper.entrez("RGD", "RGD:2939") == 16452
    assert mapper.entrez("Ensembl", "ENSMUSG00000024789") == 16452
    assert mapper.entrez("Ensembl", "ENSMUSG00000000002") is None  # two genes
    assert entrez_mapper("Bos taurus").entrez("Ensembl", "ENSBTAG00000000001") is None
    assert "no gene table for Bos taurus" in entrez_mapper("Bos taurus").note


@pytest.fixture
def fly_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A data folder holding an imported fly table of one gene: Notch, 31293, FBgn0004647."""
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "fly-data"))
    header = "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    header += "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    header += "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
    cells = ("7227", "31293", "N", "Dmel_CG3936", "notch", "FLYBASE:FBgn0004647", "X", "-", "Notch")
    line = "\t".join((*cells, "protein-coding", "N", "Notch", "O", "-", "20231229", "-")) + "\n"
    source = tmp_path / "Drosophila_melanogaster.gene_info.gz"
    source.write_bytes(gzip.compress((header + line).encode()))
    gene_info._scan.cache_clear()
    import_gene_info(source)
    yield
    gene_info._scan.cache_clear()
    genes._load_imported.cache_clear()


@pytest.mark.usefixtures("fly_table")
def test_imported_tables_map_their_organism_database() -> None:
    fly = entrez_mapper("Drosophila melanogaster")
    assert fly.note == ""
    assert fly.entrez("FlyBase", "FBgn0004647") == fly.entrez("Ensembl", "FBgn0004647") == 31293


def _gene_info_line(taxid: str, gene_id: str, symbol: str, xrefs: str) -> str:
    cells = (taxid, gene_id, symbol, "-", "-", xrefs, "1", "-", symbol, "protein-coding", symbol, symbol, "O")
    return "\t".join((*cells, "-", "20240101", "-")) + "\n"


def test_mouse_and_rat_gene_info_supplement_the_embedded_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NCBI's mouse and rat gene_info give MGI, RGD and Ensembl Xrefs their Entrez Gene ids (related);
    conversion keeps the embedded tables, draft for draft."""
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    gene_info._scan.cache_clear()
    mouse_sample = SAMPLES / "PMC10034247__11064_2023_3912_Fig1_HTML.md"
    # One date for both drafts: two made a second apart would differ in it.
    options = ConvertOptions(draft=DraftOptions(last_modified="20260101000000"))
    before = convert_record(mouse_sample, tmp_path / "before", options)
    assert before.pathway.organism == MOUSE
    header = "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    header += "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    header += "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
    files = {
        "Mus_musculus.gene_info.gz": [
            _gene_info_line("10090", "16452", "Jak2", "MGI:MGI:96629|Ensembl:ENSMUSG00000024789"),
            _gene_info_line("10090", "20848", "Stat3", "MGI:MGI:103038|Ensembl:ENSMUSG00000004040"),
        ],
        "Rattus_norvegicus.gene_info.gz": [
            _gene_info_line("10116", "24514", "Jak2", "RGD:2939|Ensembl:ENSRNOG00000019829"),
        ],
    }
    for name, lines in files.items():
        (tmp_path / name).write_bytes(gzip.compress((header + "".join(lines)).encode()))
    try:
        result = runner.invoke(app, ["genes", "import", *(str(tmp_path / name) for name in files)])
        assert result.exit_code == 0, result.stderr
        assert "used by related, for the Entrez Gene ids of MGI and Ensembl Xrefs" in result.stdout
        mouse, rat = entrez_mapper(MOUSE), entrez_mapper("Rattus norvegicus")
        assert mouse.note == rat.note == ""
        assert mouse.entrez("MGI", "MGI:96629") == mouse.entrez("Ensembl", "ENSMUSG00000024789") == 16452
        assert rat.entrez("RGD", "2939") == rat.entrez("Ensembl", "ENSRNOG00000019829") == 24514

        pathways = tmp_path / "pathways"
        pathways.mkdir()
        (pathways / "WP7.gpml").write_text(gpml("Mouse JAK-STAT", MOUSE, entrez_nodes([16452, 20848, 12345])))
        draft = tmp_path / "mgi.gpml"
        draft.write_text(gpml("By MGI", MOUSE, [("GeneProduct", "MGI", "MGI:96629"),
                                                ("Protein", "Ensembl", "ENSMUSG00000004040")]))  # fmt: skip
        ranking = rank_gene_set(read_gene_set(draft), build_index(pathways))
        assert [(m.wpid, len(m.shared)) for m in ranking.matches] == [("WP7", 2)]

        after = convert_record(mouse_sample, tmp_path / "after", options)
        assert after.output.read_bytes() == before.output.read_bytes(), "conversion keeps the embedded table"
    finally:
        gene_info._scan.cache_clear()
        genes._load_imported.cache_clear()


def test_organisms_are_named_as_wikipathways_names_them() -> None:
    assert organism_key("homo  sapiens") == HUMAN
    assert organism_key("Mycobacterium tuberculosis H37Rv") == "Mycobacterium tuberculosis"
    assert organism_key("Bacillus subtilis subsp. subtilis str. 168") == "Bacillus subtilis"
    assert organism_key("Unknownia  strangei") == "Unknownia strangei"


def test_bad_files_are_skipped_or_refused(checkout: Path, tmp_path: Path) -> None:
    (checkout / "pathways" / "WP9").mkdir()
    (checkout / "pathways" / "WP9" / "WP9.gpml").write_text("<Pathway")
    index = build_index(checkout)
    assert (
        len(index) == 4
        and len(index.skipped) == 1
        and "WP9.gpml: line 1: not well-formed" in index.skipped[0]
    )
    with pytest.raises(SchemaError, match="GPML 2021"):
        read_gene_set(b'<Pathway xmlns="http://pathvisio.org/GPML/2021"/>', "new.gpml")
    bad = tmp_path / "bad.gmt"
    bad.write_text("A%WikiPathways_1%WP1%Homo sapiens\tu\t1\nnot a gmt line\n")
    with pytest.raises(RelatedError, match=r"bad.gmt:2: not a WikiPathways GMT line"):
        build_index(bad)
    bad.write_bytes(b"\xff\xfe")
    with pytest.raises(RelatedError, match="not UTF-8"):
        build_index(bad)


# --- the cache ------------------------------------------------------------------------------------


def test_the_cache_is_reused_and_rebuilt_when_a_file_changes(checkout: Path, data: Path) -> None:
    first = load_index(checkout)
    assert not first.cached and cache_file(checkout).is_file()
    assert cache_file(checkout).parent == data / "related"
    again = load_index(checkout)
    assert again.cached and [(s.id, s.genes, s.nodes, s.unmapped) for s in again.sets] == [
        (s.id, s.genes, s.nodes, s.unmapped) for s in first.sets
    ]
    changed = checkout / "pathways" / "WP3" / "WP3.gpml"
    changed.write_text(gpml("Pathway C", HUMAN, entrez_nodes([100, 1]), "WP3_r2"))
    rebuilt = load_index(checkout)
    assert not rebuilt.cached
    assert {s.id: s.genes for s in rebuilt.sets}["WP3"] == {100, 1}
    assert load_index(checkout).cached
    os.utime(changed, ns=(1, 1))  # same bytes, another time: read again
    assert not load_index(checkout).cached
    (checkout / "pathways" / "WP3" / "extra.gpml").write_text(gpml("Extra one", HUMAN, entrez_nodes([1])))
    assert len(load_index(checkout)) == 5
    assert not load_index(checkout, cache=False).cached


def test_a_gmt_cache_follows_its_content(tmp_path: Path, data: Path) -> None:
    gmt = write_gmt(tmp_path / "wp.gmt")
    assert not load_index(gmt).cached and load_index(gmt).cached
    gmt.write_text(gmt.read_text().replace("\t100\t", "\t7\t"))
    assert not load_index(gmt).cached


def test_a_damaged_or_unwritable_cache_is_no_failure(checkout: Path, data: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    load_index(checkout)
    cache_file(checkout).write_text('{"format": 1, "signature": "x"')
    assert not load_index(checkout).cached and load_index(checkout).cached
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(DATA_ENV, str(blocked))
    index = load_index(checkout)
    assert len(index) == 4 and index.note.startswith("the index is not cached:")


# --- the command ----------------------------------------------------------------------------------


def test_cli_text_and_json(checkout: Path, tmp_path: Path, data: Path) -> None:
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "PMC1__f1.gpml").write_text(gpml("A figure of A", HUMAN, entrez_nodes([1, 2, 3, 4, 5, 6, 999])))
    (drafts / "PMC2__f2.gpml").write_text(gpml("A figure of nothing", HUMAN, [("GeneProduct", "", "")]))
    result = runner.invoke(app, ["related", str(drafts), "--wikipathways", str(checkout), "--top", "1"])
    assert result.exit_code == 0, result.stderr
    assert "4 pathways of 2 organisms" in result.stderr
    assert "PMC1__f1.gpml: Homo sapiens, 7 genes" in result.stdout
    assert "  WP10 Pathway A: 6 shared of 10 genes" in result.stdout and "WP2 " not in result.stdout
    assert "no related pathway: none of its 1 gene nodes has an Entrez Gene id" in result.stdout
    result = runner.invoke(app, ["related", str(drafts), "--wikipathways", str(checkout), "--format", "json"])
    assert result.exit_code == 0 and "from the cache" in result.stderr
    listed = json.loads(result.stdout)
    assert [(d["file"], d["figid"]) for d in listed] == [
        (str(drafts / "PMC1__f1.gpml"), "PMC1__f1"),
        (str(drafts / "PMC2__f2.gpml"), "PMC2__f2"),
    ]
    first = listed[0]["related"][0]
    assert {"wpid", "title", "shared", "size", "jaccard", "p_value"} <= set(first)
    assert (first["wpid"], first["title"], first["shared"], first["size"]) == ("WP10", "Pathway A", 6, 10)
    assert first["p_value"] == pytest.approx(float(exact_sf(6, UNIVERSE, 10, 6)))
    assert first["shared_genes"][0] == {"entrez": "1", "label": "1"}
    assert [m["wpid"] for m in listed[0]["related"]] == ["WP10", "WP2"]
    assert listed[1]["related"] == [] and listed[1]["reason"].startswith("none of its 1 gene nodes")


def test_cli_errors(checkout: Path, tmp_path: Path, data: Path) -> None:
    draft = tmp_path / "PMC1__f1.gpml"
    draft.write_text(gpml("A figure of A", HUMAN, entrez_nodes([1, 2])))
    broken = tmp_path / "broken.gpml"
    broken.write_text("<Pathway")
    empty = tmp_path / "empty"
    empty.mkdir()
    bad_gmt = tmp_path / "bad.gmt"
    bad_gmt.write_text("nonsense\n")
    cases = {
        ("--wikipathways", str(tmp_path / "missing")): (2, "missing: no such file or folder"),
        ("--wikipathways", str(empty)): (2, "no pathways found"),
        ("--wikipathways", str(checkout), "--format", "xml"): (2, "--format must be text or json"),
        ("--wikipathways", str(checkout), "--top", "0"): (2, "--top"),
        ("--wikipathways", str(bad_gmt)): (1, "bad.gmt:1: not a WikiPathways GMT line"),
    }
    for args, (code, message) in cases.items():
        result = runner.invoke(app, ["related", str(draft), *args])
        assert result.exit_code == code and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    result = runner.invoke(app, ["related", str(draft), str(broken), "--wikipathways", str(checkout)])
    assert result.exit_code == 1 and "WP10 Pathway A" in result.stdout
    assert "error: " in result.stderr and "broken.gpml: line 1: not well-formed XML" in result.stderr
    result = runner.invoke(app, ["related", str(empty), "--wikipathways", str(checkout)])
    assert result.exit_code == 2 and "no GPML files" in result.stderr


# --- the live pathways ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live(wikipathways_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelatedIndex]:
    """The live pathways' index, cached in a data folder of the module's own."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ENV, str(tmp_path_factory.mktemp("related-data")))
        yield load_index(wikipathways_dir)


def test_the_live_pathways_are_indexed(live: RelatedIndex, wikipathways_dir: Path) -> None:
    assert len(live) == 2095 and not live.skipped
    human = live.organism(HUMAN)
    assert human is not None and len(human.sets) == 1020 and human.universe > 9000
    ace = next(s for s in live.sets if s.id == "WP554")
    assert ace.title == "ACE inhibitor pathway" and {1636, 183, 185} <= ace.genes  # ACE, AGT, AGTR1
    assert load_index(wikipathways_dir).cached


def test_every_live_pathways_genes_rank_it_first(live: RelatedIndex) -> None:
    ranked = 0
    for member in live.sets:
        if member.genes:
            best = related(member.genes, member.organism, live, top=1).matches[0]
            assert best.wpid == member.id or best.jaccard == 1.0, (member.id, best)  # or an identical set
            ranked += 1
    assert ranked > 1400


def test_reading_up_to_the_last_data_node_misses_none(wikipathways_files: list[Path]) -> None:
    for path in random.Random(5).sample(wikipathways_files, 300):
        root, nodes = _data_nodes(path.read_bytes(), str(path))
        assert len(nodes) == len(list(parse_gpml(path).getroot().iter(G + "DataNode"))), path
        assert root.get("Name") and root.get("Organism")


def test_live_rankings_are_the_brute_force_ones(live: RelatedIndex) -> None:
    for member in random.Random(11).sample([s for s in live.sets if s.genes], 150):
        got = [m.wpid for m in related(member.genes, member.organism, live, 5).matches]
        assert got == brute_force(member.genes, member.organism, live, 5), member.id


def test_a_draft_made_from_a_live_pathway_ranks_it_first(live: RelatedIndex, tmp_path: Path) -> None:
    candidates = [s for s in live.sets if len(s.genes) >= 3]
    for member in random.Random(7).sample(candidates, 25):
        draft = tmp_path / f"PMC{member.id}__draft.gpml"  # a draft as pfocr2gpml writes one: WP0, Entrez Gene
        draft.write_text(
            gpml(f"Figure of {member.title}", member.organism, entrez_nodes(sorted(member.genes)))
        )
        ranking = rank_gene_set(read_gene_set(draft), live)
        best = ranking.matches[0]
        twins = {s.id for s in live.sets if s.organism == member.organism and s.genes == member.genes}
        assert best.wpid in twins and best.jaccard == 1.0, (member.id, best)

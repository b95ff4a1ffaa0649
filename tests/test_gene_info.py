"""Importing NCBI Gene gene_info files: real files read in place, provenance, resolution, and the CLI."""

from __future__ import annotations

import gzip
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from converter import datadir, gene_info, genes
from converter.cli import app
from converter.defaults import DATA_ENV
from converter.errors import MappingError, OutputError
from converter.gene_info import import_gene_info, stored_tables
from converter.genes import covered, gene_index, resolve_keywords
from converter.gpml import GPML_NS, has_errors, validate
from converter.gpml.datasources import problem
from converter.mapping import map_record
from converter.model import Xref
from converter.pipeline import convert_record
from converter.records import FigureRecord, read_record

from .conftest import SAMPLES, XSD

runner = CliRunner()
FLY, FISH, YEAST = "Drosophila melanogaster", "Danio rerio", "Saccharomyces cerevisiae"
FILES = {
    FLY: "Drosophila_melanogaster.gene_info.gz",
    FISH: "Danio_rerio.gene_info.gz",
    YEAST: "Saccharomyces_cerevisiae.gene_info.gz",
}
HEADER = (
    "#tax_id\tGeneID\tSymbol\tLocusTag\tSynonyms\tdbXrefs\tchromosome\tmap_location\tdescription\t"
    "type_of_gene\tSymbol_from_nomenclature_authority\tFull_name_from_nomenclature_authority\t"
    "Nomenclature_status\tOther_designations\tModification_date\tFeature_type\n"
)


def row(taxid: str, gene_id: str, symbol: str, synonyms: str = "-", xrefs: str = "-") -> str:
    """A gene_info line as NCBI writes one."""
    cells = (taxid, gene_id, symbol, "-", synonyms, xrefs, "2", "-", "x", "protein-coding", symbol, "-", "O")
    return "\t".join((*cells, "-", "20240101", "-")) + "\n"


def clear_caches() -> None:
    gene_info._scan.cache_clear()
    genes._load_imported.cache_clear()


@pytest.fixture(scope="module")
def imported(gene_info_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder holding the three real files imported (once for the module)."""
    folder = tmp_path_factory.mktemp("data")
    for name in FILES.values():
        import_gene_info(gene_info_dir / name, folder)
    return folder


@pytest.fixture
def data(imported: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(DATA_ENV, str(imported))
    clear_caches()
    yield imported
    clear_caches()


@pytest.fixture
def empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    clear_caches()
    yield tmp_path / "data"
    clear_caches()


# --- import and provenance ------------------------------------------------------------------------


def test_real_files_are_imported_with_their_provenance(data: Path) -> None:
    tables = stored_tables()
    assert set(tables) == {FLY, FISH, YEAST}
    fly, fish, yeast = tables[FLY], tables[FISH], tables[YEAST]
    assert (fly.source, fly.sha256[:8], fly.rows, fly.modified, fly.taxids) == (
        "Drosophila_melanogaster.gene_info.gz", "dbc7f415", 25_079, "2024-01-31", ("7227",)
    )  # fmt: skip
    assert (fish.sha256[:8], fish.rows, fish.modified) == ("83ca4785", 43_752, "2021-07-11")
    assert (yeast.sha256[:8], yeast.rows, yeast.modified) == ("e098cc85", 6_514, "2025-08-12")
    assert yeast.taxids == ("4932", "559292")  # the species and the reference strain: one organism
    manifest = json.loads((data / "genes" / "Drosophila_melanogaster.json").read_text())
    assert manifest["path"] == fly.path.name and manifest["genes"] == fly.genes == len(gene_index(FLY))
    assert sorted(p.name for p in (data / "genes").iterdir()) == sorted(
        [f"{stem}.json" for stem in ("Danio_rerio", "Drosophila_melanogaster", "Saccharomyces_cerevisiae")]
        + [t.path.name for t in tables.values()]
    )
    assert fly.genes == fly.rows - 1  # NCBI's NEWENTRY placeholder is no gene


def test_plain_and_comment_first_copies_give_the_same_table(
    gene_info_dir: Path, data: Path, tmp_path: Path
) -> None:
    text = gzip.decompress((gene_info_dir / FILES[FLY]).read_bytes()).decode()
    plain = tmp_path / "Drosophila_melanogaster.gene_info"
    plain.write_text(text)
    commented = tmp_path / "fly.tsv"
    commented.write_text("# Downloaded from NCBI Gene\n" + text.lstrip("#"))  # as the yeast copy is
    for copy in (plain, commented):
        table = import_gene_info(copy, tmp_path / f"data-{copy.name}")
        assert table.path.read_bytes() == stored_tables()[FLY].path.read_bytes(), copy
        assert table.source == copy.name and table.rows == 25_079


def test_import_again_replaces_the_table(empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "fly.gene_info"
    source.write_text(HEADER + row("7227", "1", "abc"))
    first = import_gene_info(source)
    source.write_text(HEADER + row("7227", "1", "abc") + row("7227", "2", "def", "abc2"))
    second = import_gene_info(source)
    assert first.path != second.path and not first.path.exists()
    assert list((empty / "genes").glob("*.tsv.gz")) == [second.path]
    assert gene_index(FLY).resolve("abc2").gene == genes.Gene("def", FLY, entrez="2")
    assert covered(FLY) and not covered(FISH)


def test_the_table_keeps_symbols_aliases_and_the_organism_database(empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "fish.gene_info"
    source.write_text(
        HEADER
        + row("7955", "30037", "tncb", "ten|tnc|tncb", "ZFIN:ZDB-GENE-980526-104|Ensembl:ENSDARG00000021948")
        + row("7955", "1", "NEWENTRY")
        + row("7955", "2", "bad", "-", "ZFIN:not-an-id")
    )
    import_gene_info(source)
    text = gzip.decompress(stored_tables()[FISH].path.read_bytes()).decode()
    assert text == "symbol\tentrez\tzfin\taliases\nbad\t2\t\t\ntncb\t30037\tZDB-GENE-980526-104\tten|tnc\n"


def test_worm_and_arabidopsis_genes_get_the_ids_their_pathways_use(empty: Path, tmp_path: Path) -> None:
    worm = tmp_path / "Caenorhabditis_elegans.gene_info"
    worm.write_text(HEADER + row("6239", "180261", "hot-2", "Y39B6A.48", "WormBase:WBGene00001987"))
    plant = tmp_path / "Arabidopsis_thaliana.gene_info"
    plant.write_text(
        HEADER
        + row("3702", "839580", "NAC001", "ANAC001", "Araport:AT1G01010|TAIR:AT1G01010")
        + row(
            "3702", "844796", "ATPA", "-", "Araport:ATCG00120|TAIR:ATCG00120"
        )  # chloroplast: not in TAIR's pattern
    )
    import_gene_info(worm)
    import_gene_info(plant)
    hot2 = gene_index("Caenorhabditis elegans").resolve("Y39B6A.48").gene
    assert hot2 is not None and hot2.xref == Xref("WormBase", "WBGene00001987")
    nac = gene_index("Arabidopsis thaliana").resolve("ANAC001").gene
    assert nac is not None and nac.xref == Xref("TAIR", "AT1G01010")
    atpa = gene_index("Arabidopsis thaliana").resolve("ATPA").gene
    assert atpa is not None and atpa.xref == Xref("Entrez Gene", "844796")


# --- resolution with the real tables --------------------------------------------------------------


def test_imported_symbols_and_aliases_resolve(data: Path) -> None:
    stat = gene_index(FLY).resolve("Stat92E").gene
    assert stat is not None and stat.xref == Xref("Entrez Gene", "42428") and stat.flybase == "FBgn0016917"
    assert gene_index(FLY).resolve("Dmp53").gene == gene_index(FLY).by_symbol("p53")
    tp53 = gene_index(FISH).resolve("tp53").gene
    assert tp53 is not None and tp53.xref.database == "Entrez Gene" and tp53.zfin.startswith("ZDB-GENE-")
    ste12 = gene_index(YEAST).resolve("STE12").gene
    assert ste12 is not None and ste12.xref == Xref("SGD", "S000001126")  # yeast pathways use SGD ids
    locus = gene_index(YEAST).resolve("YAL001C")  # the locus tag is an alias
    assert (locus.how, locus.gene and locus.gene.symbol) == ("alias", "TFC3")
    assert gene_index(FISH).resolve("Tp53").reason.endswith("(tp53 is; case matters)")


@pytest.mark.parametrize("organism", [FLY, FISH, YEAST])
def test_every_xref_is_one_bridgedb_accepts(data: Path, organism: str) -> None:
    index = gene_index(organism)
    rows = index._lines[1:-1]
    assert rows == sorted(rows)
    for line in rows:
        gene = index._gene(line)
        assert problem(gene.xref.database, gene.xref.id) is None, line
        for database in ("FlyBase", "ZFIN", "SGD"):
            own = getattr(gene, database.casefold())
            assert not own or problem(database, own) is None, line


def test_mixed_keywords_do_not_take_human_symbols_as_fly_aliases(data: Path) -> None:
    fly = gene_index(FLY)
    assert [line.split("\t", 1)[0] for line, _ in fly.names("EGFR")] == ["Egfr"]  # a unique fly alias
    found = {r.word: r for r in resolve_keywords(["EGFR", "Egfr", "TNF", "MYC", "Wnt1", "wg"], fly)}
    assert found["EGFR"].gene is None and found["EGFR"].reason.endswith("official symbol of Homo sapiens")
    assert found["TNF"].gene is None and "egr" in found["TNF"].reason
    assert found["Wnt1"].gene is None and found["Wnt1"].reason.endswith("of Mus musculus")
    assert found["Egfr"].how == found["wg"].how == "symbol"
    assert gene_index("Homo sapiens").resolve("EGFR").how == "symbol"  # human mapping unchanged


def test_keywords_only_accuracy_on_the_corpus(data: Path, pfocr_dir: Path) -> None:
    """The figures of benchmarks/gene_info_accuracy.py: P and R of ids found from keywords alone."""
    for organism in (FLY, FISH):
        found = truth = right = 0
        for path in sorted((pfocr_dir / "_figures").glob("*.md")):
            record = read_record(path)
            expected = {r.entrez for r in record.genes or () if r.organism == organism and r.entrez}
            if not expected:
                continue
            alone = FigureRecord(figid=record.figid, source=record.source, keywords=record.keywords)
            ids = {t.xref.id for t in map_record(alone, organism).genes if t.xref is not None}
            found, truth, right = found + len(ids), truth + len(expected), right + len(ids & expected)
        assert right / found >= 0.97 and right / truth >= 0.97, (organism, found, truth, right)


# --- drafts ---------------------------------------------------------------------------------------


def test_the_fly_sample_gets_annotated_nodes(data: Path, tmp_path: Path) -> None:
    result = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", tmp_path)
    assert (result.organism, result.genes, result.mapped, result.unmapped) == (FLY, 6, 6, ())
    root = etree.parse(str(result.output))
    xrefs = {
        node.get("TextLabel"): (node[-1].get("Database"), node[-1].get("ID"))
        for node in root.iterfind(f"{{{GPML_NS}}}DataNode")
    }
    assert xrefs == {
        "CkIIbeta": ("Entrez Gene", "32132"), "Andorra": ("Entrez Gene", "32798"),
        "Anp": ("Entrez Gene", "43595"), "Acam": ("Entrez Gene", "44913"),
        "Mvl": ("Entrez Gene", "42490"), "cic": ("Entrez Gene", "53560"),
    }  # fmt: skip
    assert XSD.validate(root) and not has_errors(validate(result.output))


def test_without_an_import_the_fly_sample_says_how_to_annotate(empty: Path, tmp_path: Path) -> None:
    result = convert_record(SAMPLES / "PMC1180554__JCI0525642.f1.md", tmp_path)
    assert result.mapped == 0 and all("pfocr2gpml genes import" in u.reason for u in result.unmapped)
    with pytest.raises(MappingError, match="import NCBI's gene_info"):
        gene_index(FLY)


def test_a_damaged_stored_table_is_an_error_naming_what_to_do(empty: Path, tmp_path: Path) -> None:
    source = tmp_path / "fly.gene_info"
    source.write_text(HEADER + row("7227", "1", "abc"))
    table = import_gene_info(source)
    table.path.write_bytes(table.path.read_bytes()[:-8])
    with pytest.raises(MappingError, match=r"damaged .* import fly\.gene_info again"):
        gene_index(FLY)
    table.path.unlink()
    clear_caches()
    assert not covered(FLY) and "missing" in gene_info.stored_problems()[0]


# --- the command line -----------------------------------------------------------------------------


def test_cli_imports_and_lists(gene_info_dir: Path, empty: Path) -> None:
    result = runner.invoke(app, ["genes", "import", str(gene_info_dir / FILES[YEAST])])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Saccharomyces cerevisiae: 6,512 genes from Saccharomyces_cerevisiae")
    listed = runner.invoke(app, ["genes", "list"])
    assert listed.exit_code == 0 and "Homo sapiens: 43,837 genes, HGNC" in listed.stdout
    assert "Saccharomyces cerevisiae: 6,512 genes, Saccharomyces_cerevisiae.gene_info.gz" in listed.stdout
    as_json = json.loads(runner.invoke(app, ["genes", "list", "--json"]).stdout)
    assert as_json["tables"][-1]["sha256"].startswith("e098cc85") and as_json["problems"] == []


BAD = {
    "unknown taxid": (HEADER + row("9999", "1", "abc"), "taxid '9999' is not an organism"),
    "human": (HEADER + row("9606", "3717", "JAK2"), "Homo sapiens (taxid 9606) has an embedded gene table"),
    "two organisms": (HEADER + row("7227", "1", "a") + row("7955", "2", "b"), "one organism's gene_info"),
    "short row": (HEADER + "7227\t1\tabc\n", "3 columns where the header has 16"),
    "no header": ("7227\t1\tabc\n", "not a gene_info header"),
    "header only": (HEADER, "no genes"),
    "bad id": (HEADER + row("7227", "x1", "abc"), "GeneID 'x1' is not a number"),
}


@pytest.mark.parametrize("case", [*BAD, "truncated", "not UTF-8"])
def test_cli_refuses_a_bad_file_in_one_line(empty: Path, tmp_path: Path, case: str) -> None:
    path = tmp_path / "bad.gene_info.gz"
    if case == "truncated":
        path.write_bytes(gzip.compress((HEADER + row("7227", "1", "abc") * 500).encode())[:-100])
    elif case == "not UTF-8":
        path.write_bytes(HEADER.encode() + row("7227", "1", "abc").encode().replace(b"abc", b"\xff\xfe"))
    else:
        path.write_bytes(gzip.compress(BAD[case][0].encode()))
    result = runner.invoke(app, ["genes", "import", str(path)])
    assert result.exit_code == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}"), result.stderr
    expected = {"truncated": "not a complete gene_info file", "not UTF-8": "not UTF-8"}.get(case) or BAD[
        case
    ][1]
    assert expected in lines[0]
    assert not covered(FLY)


def test_cli_usage_errors_and_an_unwritable_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = runner.invoke(app, ["genes", "import", str(tmp_path / "nope.gene_info.gz")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    folder = runner.invoke(app, ["genes", "import", str(tmp_path)])
    assert folder.exit_code == 2 and "is a folder" in folder.stderr
    source = tmp_path / "fly.gene_info"
    source.write_text(HEADER + row("7227", "1", "abc"))
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "a-file"))
    clear_caches()
    result = runner.invoke(app, ["genes", "import", str(source)])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1 and "cannot write" in result.stderr
    with pytest.raises(OutputError):
        import_gene_info(source)


def test_cli_list_names_a_damaged_manifest(empty: Path) -> None:
    (empty / "genes").mkdir(parents=True)
    (empty / "genes" / "Danio_rerio.json").write_text("{not json")
    result = runner.invoke(app, ["genes", "list"])
    assert result.exit_code == 1 and "Danio_rerio.json: damaged" in result.stderr
    assert "Homo sapiens" in result.stdout and "Traceback" not in result.output


# --- the data folder ------------------------------------------------------------------------------


def test_the_data_folder_follows_the_environment_and_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "mine"))
    assert datadir.data_folder() == tmp_path / "mine"
    monkeypatch.delenv(DATA_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert datadir.data_folder() == tmp_path / "xdg" / "pfocr2gpml"
    monkeypatch.setenv("XDG_DATA_HOME", "relative")  # the XDG spec says to ignore it
    assert datadir.data_folder() == tmp_path / ".local" / "share" / "pfocr2gpml"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert datadir.data_folder() == tmp_path / "Library" / "Application Support" / "pfocr2gpml"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    assert datadir.data_folder() == tmp_path / "Roaming" / "pfocr2gpml"
    assert not (tmp_path / "Roaming").exists()  # looking it up makes nothing


def test_batch_resume_redoes_what_a_new_import_may_change(
    gene_info_dir: Path, empty: Path, tmp_path: Path
) -> None:
    """Resume skips an unchanged record, but not once a gene table it may use was imported."""
    from converter.batch import run_batch

    sample = SAMPLES / "PMC1180554__JCI0525642.f1.md"
    out = tmp_path / "out"
    assert [o.status for o in run_batch([sample], out, workers=1)] == ["converted"]
    assert [o.status for o in run_batch([sample], out, workers=1, resume=True)] == ["skipped"]
    import_gene_info(gene_info_dir / FILES[FLY], empty)
    clear_caches()
    [redone] = run_batch([sample], out, workers=1, resume=True)
    assert (redone.status, redone.mapped) == ("converted", 6)

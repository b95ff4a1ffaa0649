"""One record in, one validated draft out: counts that match the file, refusals, byte-identical reruns."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import etree

from converter.draft import UNMAPPED_SOURCE, DraftOptions, read_unmapped_comment
from converter.errors import RecordError, SchemaError
from converter.gpml import BIOPAX_NS, GPML_NS
from converter.pipeline import ConvertOptions, convert, convert_record, output_path
from converter.records import ChemicalRow, DiseaseRow, FigureRecord, GeneRow

from .conftest import REPO, SAMPLES, XSD

NS = {"g": GPML_NS, "bp": BIOPAX_NS}
OPTIONS = ConvertOptions(draft=DraftOptions(last_modified="20240101000000"))
#: The samples and the organism each is about (samples/README.md).
SAMPLE_ORGANISMS = {
    "PMC10796104__AD-15-1-186-g1": "Homo sapiens",
    "PMC10034247__11064_2023_3912_Fig1_HTML": "Mus musculus",
    "PMC1180554__JCI0525642.f1": "Drosophila melanogaster",
}
RECORD = FigureRecord(
    figid="PMC10796104__AD-15-1-186-g1",
    source="PMC10796104__AD-15-1-186-g1.md",
    title="Mechanisms of JAK2/STAT3 in chronic pain",
    paper_title="Targeting the JAK2/STAT3 signaling pathway for chronic pain",
    doi="10.14336/AD.2023.0515",
    pmcid="PMC10796104",
    organisms_ner=("Homo sapiens",),
    keywords=("JAK2", "STAT3", "TNF", "galactose", "coronary artery disease"),
    genes=(
        GeneRow("JAK2", "JAK2", "3717", "Homo sapiens"),
        GeneRow("STAT3", "STAT3", "6774", "Homo sapiens"),
        GeneRow("TNF-alpha", "TNF", "7124", "Homo sapiens"),
    ),
    chemicals=(ChemicalRow("GAL", "galactose", "D005690", "CHEBI:28260"),),
    diseases=(DiseaseRow("CAD", "coronary artery disease", "D003324", "DOID:3393"),),
)

#: Converts every sample and draws each draft, into the folder given; run in a fresh interpreter.
CONVERT_AND_RENDER = """
import sys
from pathlib import Path
from converter.draft import DraftOptions
from converter.pipeline import ConvertOptions, convert_record
from converter.render import render_svg

samples, out = Path(sys.argv[1]), Path(sys.argv[2])
options = ConvertOptions(draft=DraftOptions(last_modified="20240101000000"))
for path in sorted(samples.glob("PMC*.md")):
    conversion = convert_record(path, out, options)
    (out / (conversion.figid + ".svg")).write_bytes(render_svg(conversion.output))
"""


@pytest.mark.parametrize("figid", sorted(SAMPLE_ORGANISMS))
def test_each_sample_converts_to_a_draft_its_conversion_describes(figid: str, tmp_path: Path) -> None:
    conversion = convert_record(SAMPLES / f"{figid}.md", tmp_path, OPTIONS)
    assert conversion.figid == figid
    assert conversion.output == tmp_path / f"{figid}.gpml"
    data = conversion.output.read_bytes()
    assert conversion.sha256 == hashlib.sha256(data).hexdigest()
    root = etree.fromstring(data)
    XSD.assertValid(root)
    nodes = root.findall("g:DataNode", NS)
    assert conversion.nodes == len(nodes) > 0
    assert conversion.genes == sum(n.get("Type") == "GeneProduct" for n in nodes)
    ids = [xref.get("ID") for xref in root.findall("g:DataNode/g:Xref", NS)]
    assert len(ids) == len(nodes)
    # The samples have no disease table: every mapped term is a node.
    assert conversion.mapped == sum(bool(i) for i in ids)
    assert conversion.organism == root.get("Organism") == SAMPLE_ORGANISMS[figid]
    assert conversion.route == "keywords"  # the samples come without tables
    comment = root.findtext(f"g:Comment[@Source='{UNMAPPED_SOURCE}']", default="", namespaces=NS)
    assert len(read_unmapped_comment(comment)) == len(conversion.unmapped)


def test_a_record_with_tables_counts_chemicals_as_nodes_and_diseases_as_labels(tmp_path: Path) -> None:
    conversion = convert(RECORD, tmp_path, OPTIONS)
    counts = (conversion.genes, conversion.chemicals, conversion.diseases)
    assert conversion.route == "PFOCR tables" and counts == (3, 1, 1)
    root = etree.fromstring(conversion.output.read_bytes())
    XSD.assertValid(root)
    types = sorted(str(n.get("Type")) for n in root.findall("g:DataNode", NS))
    assert types == ["GeneProduct"] * 3 + ["Metabolite"]
    assert conversion.mapped == 5
    disease_ids = root.xpath("g:Biopax/bp:openControlledVocabulary/bp:ID/text()", namespaces=NS)
    assert disease_ids == ["DOID:3393"]
    assert conversion.unmapped == ()  # every keyword is a row's word or name
    assert root.find(f"g:Comment[@Source='{UNMAPPED_SOURCE}']", NS) is None


def test_an_unsafe_figid_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    record_file = tmp_path / "record.md"
    record_file.write_text("---\nfigid: ../escaped\nkeywords: JAK2 | STAT3\n---\n", encoding="utf-8")
    outdir = tmp_path / "out"
    with pytest.raises(RecordError, match="unsafe figid"):
        convert_record(record_file, outdir, OPTIONS)
    with pytest.raises(RecordError, match="outside"):
        convert(FigureRecord(figid="../escaped", source="test", keywords=("JAK2",)), outdir, OPTIONS)
    assert not outdir.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["record.md"]


def test_a_draft_that_fails_validation_is_not_written(tmp_path: Path) -> None:
    target = tmp_path / f"{RECORD.figid}.gpml"
    target.write_bytes(b"the previous draft")
    # A blank organism is kept as chosen, and the 'organism' rule (error level) refuses the draft.
    with pytest.raises(SchemaError, match=r"first: organism: ") as caught:
        convert(RECORD, tmp_path, ConvertOptions(organism=" ", draft=OPTIONS.draft))
    assert str(caught.value).startswith(RECORD.source)
    assert target.read_bytes() == b"the previous draft"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("figid", ["../up", "a/b", "/abs", ".hidden", "..", "", "nul\0byte"])
def test_output_path_refuses_names_that_leave_outdir(figid: str, tmp_path: Path) -> None:
    with pytest.raises(RecordError, match="outside"):
        output_path(tmp_path, figid)


def test_output_path_puts_the_draft_in_outdir(tmp_path: Path) -> None:
    path = output_path(tmp_path, "PMC1180554__JCI0525642.f1")
    assert path == tmp_path / "PMC1180554__JCI0525642.f1.gpml"
    assert path.parent == tmp_path


def _run(seed: str, out: Path) -> None:
    env = {**os.environ, "PYTHONHASHSEED": seed, "SOURCE_DATE_EPOCH": "1704067200"}
    subprocess.run(
        [sys.executable, "-c", CONVERT_AND_RENDER, str(SAMPLES), str(out)],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )


def test_drafts_and_previews_are_the_same_bytes_in_processes_with_other_hash_seeds(tmp_path: Path) -> None:
    first, second = tmp_path / "seed-1", tmp_path / "seed-12345"
    _run("1", first)
    _run("12345", second)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert {n for n in names if n.endswith(".gpml")} == {f"{f}.gpml" for f in SAMPLE_ORGANISMS}
    assert {n for n in names if n.endswith(".svg")} == {f"{f}.svg" for f in SAMPLE_ORGANISMS}
    for name in names:
        data = (first / name).read_bytes()
        assert data and data == (second / name).read_bytes(), name

"""``--online`` on convert and batch, against MyGene and the PMC ID Converter on loopback (the fake services
of tests/test_online.py): keywords the offline tables do not know, a PMCID-only paper cited by PubMed, the
offline rules kept, failures that never fail a record, the cache, and resume."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from converter import defaults
from converter.cli import app
from converter.gpml import GPML_NS

from . import test_online
from .conftest import SAMPLES, XSD
from .synthetic import make_corpus
from .test_online import FLY_GENES, FakeServices

runner = CliRunner()
FLY_SAMPLE = SAMPLES / "PMC1180554__JCI0525642.f1.md"
#: NCBI Gene's fly rows for the sample's six words (GeneID, Symbol, synonyms as Drosophila_melanogaster
#: .gene_info has them), and the paper's ids as the PMC ID Converter gives them.
SAMPLE_GENES = [
    ("32132", "CkIIbeta", ("And", "CK2", "CKIIbeta", "Ck2b")),
    ("32798", "Andorra", ("CG12611", "and", "andorra")),
    ("43595", "Anp", ("And", "CEC", "andropin")),
    ("44913", "Acam", ("ACaM", "And", "CalB")),
    ("42490", "Mvl", ("CG3671", "DMT1", "dNRAMP", "mvl")),
    ("53560", "cic", ("CG43122", "CIC", "Cic", "capicua")),
]
PAPER = ("PMC1180554", 16075038, "10.1172/JCI25642")


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeServices]:
    """The fake services, found through the environment as a user's mirror would be; a data folder (and
    so a cache) of the test's own."""
    monkeypatch.setitem(test_online.PAPERS, PAPER[0], PAPER[1:])
    with FakeServices([*FLY_GENES, *SAMPLE_GENES]) as fake:
        monkeypatch.setenv(defaults.MYGENE_URL_ENV, fake.root + "/v3")
        monkeypatch.setenv(defaults.IDCONV_URL_ENV, fake.root + "/idconv/")
        monkeypatch.setenv(defaults.DATA_ENV, str(tmp_path / "data"))
        yield fake


def _nodes(draft: Path) -> dict[str, tuple[str, str]]:
    root = etree.parse(str(draft)).getroot()
    ns = {"g": GPML_NS}
    return {
        node.get("TextLabel"): (node.find("g:Xref", ns).get("Database"), node.find("g:Xref", ns).get("ID"))
        for node in root.iterfind("g:DataNode", ns)
    }


def _literature(draft: Path) -> list[tuple[str, str]]:
    bp = "http://www.biopax.org/release/biopax-level3.owl#"
    root = etree.parse(str(draft)).getroot()
    return [
        (x.findtext(f"{{{bp}}}DB"), x.findtext(f"{{{bp}}}ID")) for x in root.iter(f"{{{bp}}}PublicationXref")
    ]


def test_a_fly_figure_gets_its_genes_and_a_pubmed_reference_online(
    services: FakeServices, tmp_path: Path
) -> None:
    offline = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(tmp_path / "offline")])
    assert offline.exit_code == 0 and services.seen == [], "offline asks nothing"
    draft = tmp_path / "online" / f"{FLY_SAMPLE.stem}.gpml"

    fixed = ["--online", "--date", "2026-12-01"]  # the same second's Version and Last-Modified, run to run
    result = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(draft.parent), *fixed])
    assert result.exit_code == 0, result.stderr
    assert _nodes(draft) == {symbol: ("Entrez Gene", gid) for gid, symbol, _ in SAMPLE_GENES}
    assert _literature(draft) == [("PubMed", "16075038")]
    assert XSD.validate(etree.parse(str(draft)))
    assert "online: 6 keywords, 6 found" in result.stderr and "1 papers, 1 with a PubMed id" in result.stderr
    assert "6 mapped, 0 unmapped" in result.stdout and "annotated-nodes" not in result.stdout
    assert "literature-database" not in result.stdout
    (mygene,) = services.calls("mygene")  # the six words in one request
    assert mygene.params["species"] == "7227" and len(services.calls("idconv")) == 1

    # The cache answers a second run, the services gone: the same bytes.
    first = draft.read_bytes()
    services.stop()
    again = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(draft.parent), *fixed])
    assert again.exit_code == 0 and draft.read_bytes() == first
    assert "0 asked, 6 from the cache" in again.stderr


def _record(folder: Path, figid: str, keywords: list[str]) -> Path:
    """A PFOCR-like fly record of keywords alone (PFOCR keeps them in its schema-jsonld block)."""
    lines = ["---", f"figid: {figid}", "figtitle: Signalling in the fly wing disc", "organisms:",
             "- Drosophila melanogaster", "pmcid: PMC100", "papertitle: A paper", "year: '2020'",
             "doi: .na.character", "schema-jsonld:", "  keywords:", *(f"  - {word}" for word in keywords),
             "---", ""]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{figid}.md"
    path.write_text("\n".join(lines))
    return path


def test_online_answers_keep_the_offline_rules(services: FakeServices, tmp_path: Path) -> None:
    # Egfr: its symbol. EGFR: an alias of Egfr, but human's official symbol (PFOCR lists every organism's
    # symbols). Torpedo: an alias of Egfr, which the figure already names. Dl: two genes. Qwerty: none.
    record = _record(tmp_path / "in", "PMC100__fly", ["Egfr", "EGFR", "Torpedo", "Dl", "Qwerty", "mTOR"])
    result = runner.invoke(app, ["convert", str(record), "-o", str(tmp_path / "out"), "--online"])
    assert result.exit_code == 0, result.stderr
    nodes = _nodes(tmp_path / "out" / "PMC100__fly.gpml")
    assert nodes == {"Egfr": ("Entrez Gene", "37455"), "EGFR": ("", ""), "Torpedo": ("", ""),
                     "Dl": ("", ""), "Qwerty": ("", ""), "mTOR": ("", "")}  # fmt: skip
    reasons = {line.split("'")[1]: line for line in result.stdout.splitlines() if "unmapped gene" in line}
    assert "online: symbol in another case of Egfr, but an official symbol of Homo sapiens" in reasons["EGFR"]
    assert "duplicates Egfr (online: alias of Egfr)" in reasons["Torpedo"]
    assert "online: ambiguous: names 2 genes" in reasons["Dl"] and "Delta 42313" in reasons["Dl"]
    assert "online: not a gene symbol or alias" in reasons["Qwerty"]
    # mTor in another case, an alias of Gclc and of Mgtor: never one of them
    assert "ambiguous: names 3 genes" in reasons["mTOR"]
    # PMC100 has no PubMed id: the reference stays a PMC one, and says so.
    assert _literature(tmp_path / "out" / "PMC100__fly.gpml") == [("PMC", "PMC100")]
    assert "literature-database" in result.stdout


def test_a_service_that_fails_never_fails_a_record(services: FakeServices, tmp_path: Path) -> None:
    services.script("mygene", raw=b"<html>maintenance</html>")
    assert runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(tmp_path / "offline")]).exit_code == 0
    result = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(tmp_path / "out"), "--online"])
    assert result.exit_code == 0, result.stderr
    assert "warning: online: 6 could not be looked up: MyGene.info" in result.stderr
    assert "could not be looked up online: MyGene.info" in result.stdout
    assert _nodes(tmp_path / "out" / f"{FLY_SAMPLE.stem}.gpml") == _nodes(
        tmp_path / "offline" / f"{FLY_SAMPLE.stem}.gpml"
    )
    assert _literature(tmp_path / "out" / f"{FLY_SAMPLE.stem}.gpml") == [("PubMed", "16075038")]
    # A failure is not kept: the next run asks again, and gets the genes.
    again = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(tmp_path / "out"), "--online"])
    assert "online: 6 keywords, 6 found" in again.stderr and len(services.calls("mygene")) == 2


def test_a_bad_service_url_is_a_usage_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(defaults.MYGENE_URL_ENV, "http://mirror.example.org/v3")
    result = runner.invoke(app, ["convert", str(FLY_SAMPLE), "-o", str(tmp_path / "out"), "--online"])
    assert result.exit_code == 2 and "PFOCR2GPML_MYGENE_URL must be an https:// URL" in result.stderr
    assert not (tmp_path / "out" / f"{FLY_SAMPLE.stem}.gpml").exists()


def test_batch_asks_once_for_all_records_and_resumes_by_the_answers(
    services: FakeServices, tmp_path: Path
) -> None:
    source = tmp_path / "src"
    for sample in SAMPLES.glob("PMC*.md"):
        (source / sample.name).parent.mkdir(exist_ok=True)
        (source / sample.name).write_bytes(sample.read_bytes())
    _record(source, "PMC100__fly", ["Egfr", "Dl", "CkIIbeta"])
    out, batch = tmp_path / "out", ["batch", str(source), "-o", str(tmp_path / "out"), "--workers", "1"]

    result = runner.invoke(app, [*batch, "--online", "--json", "--no-previews"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["converted"] == 4
    species = [call.params["species"] for call in services.calls("mygene")]
    assert "7227" in species and len(species) == len(set(species)), (
        "one request per organism, both flies in one"
    )
    fly_terms = next(c.params["q"] for c in services.calls("mygene") if c.params["species"] == "7227")
    assert all(word in fly_terms for word in ("Andorra", "CkIIbeta", "Egfr", "Dl"))
    figures = {f["figid"]: f for f in json.loads((out / "report.json").read_text())["figures"]}
    assert (
        figures[FLY_SAMPLE.stem]["mapped"] == 6
        and figures[FLY_SAMPLE.stem]["literature"] == "PubMed:16075038"
    )
    assert _nodes(out / "PMC100__fly.gpml")["CkIIbeta"] == ("Entrez Gene", "32132")

    same = runner.invoke(app, [*batch, "--online", "--json", "--no-previews", "--resume"])
    assert json.loads(same.stdout)["skipped"] == 4, "the same answers: nothing to redo"
    offline = runner.invoke(app, [*batch, "--json", "--no-previews", "--resume"])
    assert json.loads(offline.stdout)["converted"] == 4, "without the answers, every draft is made again"
    assert _nodes(out / "PMC100__fly.gpml")["CkIIbeta"] == ("", "")


def test_the_questions_of_many_files_are_read_in_parallel_and_in_order(
    pfocr_dir: Path, tmp_path: Path
) -> None:
    """batch --online reads its records for what to ask in worker processes: the same questions, in the
    order of the files, as one process finds; an unreadable file asks nothing."""
    from converter.online.ask import questions_of_files

    paths = [str(p) for p in make_corpus(pfocr_dir, tmp_path / "src", 150)]
    paths.insert(70, str(tmp_path / "missing.md"))
    alone, pooled = list(questions_of_files(paths, "", 1)), list(questions_of_files(paths, "", 2))
    assert pooled == alone and len(alone) == 151
    assert alone[70] is None and all(q is not None for i, q in enumerate(alone) if i != 70)
    asked = {word for q in alone if q is not None for word in q.words}
    assert "Andorra" in asked and {q.organism for q in alone if q is not None} >= {"Homo sapiens"}

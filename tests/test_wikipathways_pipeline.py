"""Drafts as WikiPathways' own pipeline reads them: its sed and grep on the raw lines, not only lxml.

What each job of `wikipathways/wikipathways-database` reads is in the README's "What WikiPathways' pipeline
needs"; the readers below do what those jobs' shell steps do to the file's text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from converter.draft import DraftOptions
from converter.gpml import BIOPAX_NS, GPML_NS, validate
from converter.pipeline import Conversion, ConvertOptions, convert_record
from converter.records import read_record

from .conftest import SAMPLES

NS = {"g": GPML_NS, "bp": BIOPAX_NS}
#: The renderer gpml2pvjson finds a document by this declaration and writes nothing without it.
PVJSON_DECLARATION = re.compile(r"""<\?xml version=["']1.0["'] encoding=["']UTF-8["']\?>""", re.I)


def start_tag_line(text: str) -> str:
    """The first line holding '<Pathway ' (sed -n '/<Pathway /...')."""
    return next(line for line in text.split("\n") if "<Pathway " in line)


def organism_as_read(text: str) -> str:
    """The metadata job: everything after 'Organism=' on that line, quotes, '>' and CR removed."""
    read = re.sub(r".*Organism=(.*)", r"\1", start_tag_line(text))
    return read.translate(str.maketrans("", "", '">\r'))


def authors_as_read(text: str) -> list[str]:
    """The authors job: sed 's/.*Author=\\"\\[\\(.*\\)\\]\\".*/\\1/p', split on commas, trimmed."""
    found = re.fullmatch(r'.*Author="\[(.*)\]".*', start_tag_line(text))
    return [name.strip() for name in found.group(1).split(",")] if found else []


def description_words_as_counted(text: str) -> int:
    """The testing job: `wc -w` of the diff line that holds 'WikiPathways-description'."""
    return len(next(line for line in text.split("\n") if "WikiPathways-description" in line).split())


def check_as_the_pipeline_reads(draft: Path, conversion: Conversion, authors: list[str]) -> None:
    text = draft.read_text(encoding="utf-8")
    root = etree.parse(str(draft)).getroot()
    assert PVJSON_DECLARATION.match(text), draft.name  # json-svg: gpml2pvjson writes something
    assert not re.fullmatch(r"WP[1-9][0-9]{0,4}\.gpml", draft.name)  # get-gpml: a new pathway
    assert organism_as_read(text) == root.get("Organism") == conversion.organism  # metadata: organism
    version = root.get("Version") or ""
    assert re.fullmatch(r"WP0_r\d{14}", version), version  # metadata: getVersion().split("_")[1]
    assert version.split("_")[1] == "r" + (root.get("Last-Modified") or "")
    assert re.fullmatch(r"\d{14}", root.get("Last-Modified") or "")
    assert authors_as_read(text) == authors  # authors: each name looked up in author_list.csv
    assert root.get("Data-Source") == "WikiPathways"
    assert len(root.get("Name") or "") >= 10  # testing: title
    assert description_words_as_counted(text) >= 15, draft.name  # testing: first line only
    for publication in root.iterfind("g:Biopax/bp:PublicationXref", NS):  # pubmed: formats these only
        database = publication.findtext("bp:DB", "", NS)
        if database not in ("PubMed", "DOI", "ISBN"):
            said = [w for w in conversion.warnings if w.rule == "literature-database"]
            assert database == "PMC" and said, draft.name  # kept, and said so
    rules = {finding.rule for finding in validate(draft)}
    assert not rules & {
        "version",
        "author-list",
        "organism-last",
        "description-first-line",
        "xml-declaration",
    }


def test_samples_as_the_pipeline_reads_them(tmp_path: Path) -> None:
    options = ConvertOptions(
        draft=DraftOptions(authors=("Egonw", "Khanspers"), last_modified="20240102030405")
    )
    for record in sorted(SAMPLES.glob("*.md")):
        if record.name.startswith("README"):
            continue
        conversion = convert_record(record, tmp_path, options)
        check_as_the_pipeline_reads(conversion.output, conversion, ["Egonw", "Khanspers"])
        said, pmc_only = {f.rule for f in conversion.warnings}, not read_record(record).doi
        assert ("literature-database" in said) == pmc_only, "a PMC-only reference is said so"


@pytest.mark.usefixtures("pfocr_dir")
def test_corpus_drafts_as_the_pipeline_reads_them(conversions: dict[Path, Conversion]) -> None:
    assert len(conversions) == 74
    for record, conversion in conversions.items():
        check_as_the_pipeline_reads(conversion.output, conversion, ["PFOCR"])
        if read_record(record).doi:
            root = etree.parse(str(conversion.output)).getroot()
            assert root.findtext("g:Biopax/bp:PublicationXref/bp:DB", "", NS) == "DOI"

"""Reading records and tables: real records, their quirks, and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from converter.errors import RecordError
from converter.records import parse_record, read_record, read_table

from .conftest import SAMPLES

SAMPLE = SAMPLES / "PMC10796104__AD-15-1-186-g1.md"


def test_sample_fields_stay_strings() -> None:
    record = read_record(SAMPLE)
    assert record.figid == "PMC10796104__AD-15-1-186-g1"
    assert record.year == "2024"
    assert record.doi == "10.14336/AD.2023.0515"
    assert record.pmcid == "PMC10796104"
    assert record.organisms == ()  # [NA] is no organism
    assert record.organisms_ner == ("Homo sapiens",)
    assert record.keywords[:3] == ("IL1A", "IL1B", "TNF")
    assert "TNF-a" in record.keywords
    assert record.title.startswith("Mechanisms of Janus Kinase 2") and "\n" not in record.title
    assert record.genes is None  # samples/ holds the record alone


def test_no_stays_a_string_and_na_character_is_dropped() -> None:
    text = "---\nfigid: PMC1__x\nyear: 2001\nschema-jsonld:\n  keywords:\n"
    text += "  - NO\n  - .na.character\n  - 'on'\n---\n"
    record = parse_record(text)
    assert record.keywords == ("NO", "on")
    assert record.year == "2001"


def test_single_keyword_is_a_plain_string() -> None:
    record = parse_record("---\nfigid: PMC1__x\nschema-jsonld:\n  keywords: Ca2+\n---\n")
    assert record.keywords == ("Ca2+",)


def test_bom_and_crlf() -> None:
    text = "\ufeff---\r\nfigid: PMC2__y\r\nfigtitle: A title with CRLF line ends\r\n---\r\nbody\r\n"
    record = parse_record(text.encode("utf-8"))
    assert record.figid == "PMC2__y"
    assert record.title == "A title with CRLF line ends"


def test_pmcid_from_figid_prefix() -> None:
    assert parse_record("---\nfigid: PMC77__fig1\n---\n").pmcid == "PMC77"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"no front matter here\n", "no YAML front matter"),
        (b"---\nfigid: [unclosed\n---\n", "malformed YAML"),
        (b"---\nfigid: x\n", "not closed"),
        (b"---\n- a list\n---\n", "not a mapping"),
        (b"---\nfigid: ../../etc/passwd\n---\n", "unsafe figid"),
        (b"---\nfigid: a/b\n---\n", "unsafe figid"),
        (b"---\nfigid: PMC1\xff\n---\n", "not UTF-8"),
        (b"---\nfigid: PMC1__x\nfigtitle: [1, 2]\n---\n", "unexpected field value"),
        (b"---\n? [a, list]\n: as a key\n---\n", "malformed YAML"),
        (b"---\nfigid: PMC1__x\norganisms: &o [Homo sapiens, *o]\n---\n", "unexpected field value"),
    ],
)
def test_bad_records_raise_record_error(text: bytes, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        parse_record(text)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["---", "figid: PMC9__bomb", 'a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    lines += ["schema-jsonld:", "  keywords: *a9", "---"]
    with pytest.raises(RecordError, match="unexpected field value"):
        parse_record("\n".join(lines))


def test_read_record_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "broken.md"
    bad.write_text("nothing")
    with pytest.raises(RecordError, match=r"broken\.md: no YAML front matter"):
        read_record(bad)


def test_missing_figid_falls_back_to_file_name(tmp_path: Path) -> None:
    path = tmp_path / "PMC5__fig.md"
    path.write_text("---\nfigtitle: Only a title here\n---\n")
    assert read_record(path).figid == "PMC5__fig"


def test_tables_found_in_sibling_data_folder(pfocr_dir: Path) -> None:
    path = pfocr_dir / "_figures" / "PMC10003241__ijms-24-04893-g003.md"
    record = read_record(path)
    assert None not in (record.genes, record.chemicals, record.diseases)
    assert record.genes and record.chemicals and record.diseases
    fatty = next(row for row in record.chemicals if row.word == "Fatty acid")
    assert (fatty.mesh, fatty.chebi) == ("D005227", "CHEBI:35366")


def test_na_is_a_real_fly_gene_and_nan_is_missing(pfocr_dir: Path) -> None:
    rows = read_table(pfocr_dir / "_data" / "PMC10040548__fimmu-14-1121495-g005-genes.tsv", "genes")
    nan_rows = [row for row in rows if row.word == "Histone" and row.symbol == "NA"]
    assert len(nan_rows) == 1 and nan_rows[0].entrez == ""  # ncbigene_id "NaN"
    fly_na = [
        row
        for path in (pfocr_dir / "_data").glob("*-genes.tsv")
        for row in read_table(path, "genes")
        if row.symbol == "NA" and row.entrez
    ]
    assert fly_na, "the corpus has a fly gene whose symbol is NA"


def test_older_table_layouts(pfocr_dir: Path) -> None:
    genes = read_table(pfocr_dir / "_data" / "PMC1236696__JCI0526322.f1-genes.tsv", "genes")
    assert genes[0].entrez == "10673" and genes[0].organism == "Homo sapiens"
    chemicals = read_table(pfocr_dir / "_data" / "PMC1483167__JCI0629160.f1-chemicals.tsv", "chemicals")
    assert chemicals[0].word == "Pregnenolone" and chemicals[0].mesh == "D011284"


def test_legacy_inline_lists(pfocr_dir: Path) -> None:
    record = read_record(pfocr_dir / "legacy" / "PMC100003__mb2410470011.md")
    assert record.genes is not None and record.chemicals is not None
    assert ("BMX", "660") in {(g.symbol, g.entrez) for g in record.genes}
    assert record.chemicals[0].mesh == "D001839"
    assert record.organisms == ("Homo sapiens",)


def test_every_corpus_record_reads(pfocr_dir: Path) -> None:
    paths = sorted(pfocr_dir.glob("_figures/*.md")) + sorted(pfocr_dir.glob("legacy/*.md"))
    assert len(paths) == 74
    for path in paths:
        record = read_record(path)
        assert record.figid == path.stem


def _cells_stripped_one_by_one(text: str) -> dict[str, list[str]]:
    lines = text.split("\n")
    rows = [line.split("\t") for line in lines[1:] if line.strip()]
    header = lines[0].split("\t")
    return {name.strip(): [r[i].strip() if i < len(r) else "" for r in rows] for i, name in enumerate(header)}


def test_table_columns_as_if_every_cell_were_stripped(pfocr_dir: Path) -> None:
    """The fast path for tables without padding or short rows reads what stripping every cell reads."""
    import random

    from converter.records import _decode
    from converter.tables import _tsv_columns

    rng = random.Random(3)
    tables = [_decode(p.read_bytes()) for p in sorted((pfocr_dir / "_data").glob("*.tsv"))]
    padded = 0
    for n, text in enumerate(tables * 6):
        if n >= len(tables):  # then damaged: padding, non-breaking spaces, short and blank rows
            for _ in range(rng.randint(1, 4)):
                at = rng.randrange(len(text) + 1)
                text = text[:at] + rng.choice([" ", "\t", "\n", "\xa0", "x", "\t\t", " \n"]) + text[at:]
        where, _count, column = _tsv_columns(text)
        expected = _cells_stripped_one_by_one(text)
        assert {name: column(name) for name in where} == expected
        padded += any(cell != cell.strip() for row in text.split("\n") for cell in row.split("\t"))
    assert padded > 100  # the damaged tables did exercise the slow path


def test_oversized_record_refused_with_its_name(tmp_path: Path) -> None:
    from converter.records import MAX_RECORD_BYTES

    big = tmp_path / "big.md"
    big.write_bytes(b"---\nfigid: big\ncaption: " + b"x" * MAX_RECORD_BYTES + b"\n---\n")
    with pytest.raises(RecordError, match=r"big\.md: larger than 4 MiB"):
        read_record(big)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("\n  \n---\nfigtitle: After blank lines\n---\n", "After blank lines"),
        ("--- \t\nfigtitle: Fences with trailing blanks\n---  \nbody\n", "Fences with trailing blanks"),
        ("---\nfigtitle: Closed by dots\n...\n---\n", "Closed by dots"),
        ("---\nfigtitle: 'a --- b'\nnote: ----\n---", "a --- b"),  # a whole line closes, no newline needed
    ],
)
def test_front_matter_fences(text: str, title: str) -> None:
    assert parse_record(text, fallback_figid="PMC1__x").title == title


def test_control_characters_dropped_other_text_kept() -> None:
    text = "---\nfigid: PMC1__x\ncaption: IL\x01-6\x7f at 5\u00a0\u00b5M \u00b1 TNF\u0090\ufffe\u2010\u03b1\n"
    assert parse_record(f"{text}---\n".encode()).caption == "IL-6 at 5\u00a0\u00b5M \u00b1 TNF\u2010\u03b1"
    plain = "---\nfigid: PMC1__x\ncaption: \u00b5M, no control character\n---\n"
    assert parse_record(plain.encode()).caption == "\u00b5M, no control character"


def test_a_folder_or_pipe_named_like_a_table_is_not_a_table(tmp_path: Path) -> None:
    import os

    record = tmp_path / "_figures" / "PMC7__f.md"
    record.parent.mkdir()
    record.write_text("---\nfigid: PMC7__f\nfigtitle: Tables that are not files\n---\n")
    (tmp_path / "_figures" / "PMC7__f-genes.tsv").mkdir()  # beside the record: a folder, passed over
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "PMC7__f-genes.tsv").write_text(
        "word\tncbigene_symbol\tncbigene_id\nIL6\tIL6\t3569\n"
    )
    os.mkfifo(tmp_path / "_data" / "PMC7__f-chemicals.tsv")  # never opened for a wait
    found = read_record(record)
    assert found.genes is not None and [row.symbol for row in found.genes] == ["IL6"]
    assert found.chemicals is None and found.diseases is None


def test_a_named_table_that_is_no_file_is_an_error(tmp_path: Path) -> None:
    import os

    record = tmp_path / "PMC8__f.md"
    record.write_text("---\nfigid: PMC8__f\nfigtitle: Tables named on the command line\n---\n")
    os.mkfifo(pipe := tmp_path / "pipe.tsv")
    with pytest.raises(RecordError, match=r"pipe\.tsv: cannot read: not a regular file"):
        read_record(record, {"genes": pipe})
    with pytest.raises(RecordError, match=r"gone\.tsv: cannot read: no such file"):
        read_record(record, {"genes": tmp_path / "gone.tsv"})

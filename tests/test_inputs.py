"""Finding inputs: records for convert and batch, GPML files for validate and push, one set of rules."""

from __future__ import annotations

import io
from pathlib import Path

from converter.inputs import find_gpml, find_records, record_files

from .conftest import SAMPLES


def test_find_gpml_searches_folders_sorted_skipping_hidden_ones(tmp_path: Path) -> None:
    (tmp_path / "b" / "deep").mkdir(parents=True)
    (tmp_path / "b" / ".git").mkdir()
    names = (
        "b/deep/a.gpml",
        "b/z.gpml",
        "b/.git/x.gpml",
        "b/.x.gpml.tmp",
        "b/.hidden.gpml",
        "c.txt",
        "one.gpml",
    )
    for name in names:
        (tmp_path / name).write_text("x")
    given = [tmp_path / "one.gpml", tmp_path / "b", tmp_path / "b" / "z.gpml"]
    assert find_gpml(given) == [tmp_path / "one.gpml", tmp_path / "b/deep/a.gpml", tmp_path / "b/z.gpml"]


def test_a_record_a_folder_a_list_and_stdin_give_the_same_records(tmp_path: Path) -> None:
    samples = record_files(SAMPLES)
    assert [p.name for p in samples] == sorted(p.name for p in SAMPLES.glob("PMC*.md"))  # no README
    listing = tmp_path / "records.txt"
    listing.write_text("# the samples\n\n" + "\n".join(map(str, samples)) + "\n")
    assert list(find_records([SAMPLES])) == samples
    assert list(find_records([listing])) == samples
    assert list(find_records(["-"], io.StringIO(listing.read_text()))) == samples
    assert list(find_records([samples[0]])) == [samples[0]]  # a record is a record, not a list of paths


def test_a_checkout_gives_its_figures(tmp_path: Path) -> None:
    (tmp_path / "_figures").mkdir()
    (tmp_path / "_figures" / "PMC1__f.md").write_text("---\nfigid: PMC1__f\n---\n")
    (tmp_path / "_figures" / "sub").mkdir()
    (tmp_path / "_figures" / "sub" / "PMC2__f.md").write_text("---\n---\n")  # not searched
    (tmp_path / "README.md").write_text("# not a record\n")
    assert list(find_records([tmp_path])) == [tmp_path / "_figures" / "PMC1__f.md"]

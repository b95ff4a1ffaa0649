"""Batch export: counts add up, failures are reported, a killed run resumes to the complete valid set."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from typer.testing import CliRunner

from converter.batch import LEDGER_NAME, ledger, run_batch
from converter.cli import app
from converter.draft import DraftOptions
from converter.errors import RecordError
from converter.gpml import parse_gpml
from converter.inputs import find_records
from converter.pipeline import ConvertOptions, output_path
from converter.push.text import pull_request_text
from converter.related import read_gene_set
from converter.render import render_svg

from .conftest import SAMPLES, XSD
from .synthetic import make_corpus
from .test_related import entrez_nodes, gpml

runner = CliRunner()


def _assert_complete(records: list[Path], outdir: Path) -> None:
    """One intact, schema-valid draft per record and no temporary file left in sight."""
    drafts = sorted(outdir.glob("*.gpml"))
    assert sorted(d.stem for d in drafts) == sorted(r.stem for r in records)
    for draft in drafts:
        assert XSD.validate(etree.parse(str(draft))), draft
    assert not [p for p in outdir.iterdir() if p.name.startswith(".")]


def test_batch_over_corpus_with_broken_records(pfocr_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "src"
    shutil.copytree(pfocr_dir / "_figures", source / "_figures")
    shutil.copytree(pfocr_dir / "_data", source / "_data")
    (source / "_figures" / "PMC1__broken.md").write_text("---\nfigid: [\n---\n")
    (source / "_figures" / "PMC2__empty.md").write_text("")
    (source / "_figures" / "PMC3__escape.md").write_text("---\nfigid: ../up\n---\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--workers", "2", "--json"])
    assert result.exit_code == 1
    totals = json.loads(result.stdout)
    assert totals["inputs"] == 75
    assert (totals["converted"], totals["failed"], totals["skipped"]) == (72, 3, 0)
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 3 and all(line.startswith("error: ") for line in errors)
    for name in ("PMC1__broken.md", "PMC2__empty.md", "PMC3__escape.md"):
        assert any(name in line for line in errors)
    report = json.loads((out / "report.json").read_text())
    assert report["totals"] == totals
    failed = {Path(f["source"]).name: f["error"] for f in report["figures"] if f["status"] == "failed"}
    assert set(failed) == {"PMC1__broken.md", "PMC2__empty.md", "PMC3__escape.md"}
    assert "unsafe figid" in failed["PMC3__escape.md"]
    tsv = (out / "report.tsv").read_text().splitlines()
    assert len(tsv) == 76 and tsv[0].startswith("figid\tstatus")
    converted = [f for f in report["figures"] if f["status"] == "converted"]
    assert sum(f["genes"] for f in converted) > 1000
    _assert_complete([Path(f["output"]) for f in converted], out)


def test_resume_skips_unchanged_and_redoes_changed(pfocr_dir: Path, tmp_path: Path) -> None:
    records = make_corpus(pfocr_dir, tmp_path / "src", 40)
    out = tmp_path / "out"
    first = list(run_batch(records, out, workers=2))
    assert [o.status for o in first].count("converted") == 40
    # change one input, damage one output, delete another
    records[0].write_text(records[0].read_text().replace("figtitle:", "figtitle: Changed", 1))
    damaged = out / f"{records[1].stem}.gpml"
    damaged.write_bytes(damaged.read_bytes()[:100])
    (out / f"{records[2].stem}.gpml").unlink()
    # and change one table only: replaced, not written through (it is a hard link into the corpus)
    with_table = next(r for r in records[3:] if (r.parent.parent / "_data" / f"{r.stem}-genes.tsv").exists())
    table = with_table.parent.parent / "_data" / f"{with_table.stem}-genes.tsv"
    rows = table.read_text()
    table.unlink()
    table.write_text(rows + rows.splitlines()[-1] + "\n")
    second = {o.source: o.status for o in run_batch(records, out, workers=2, resume=True)}
    redone = {str(r) for r in [*records[:3], with_table]}
    assert {s for s, status in second.items() if status == "converted"} == redone
    assert sum(status == "skipped" for status in second.values()) == 36
    _assert_complete(records, out)
    # in one process too (the main process then looks the ledger up itself)
    assert {o.status for o in run_batch(records, out, workers=1, resume=True)} == {"skipped"}
    # and a run without --resume redoes everything
    third = [o.status for o in run_batch(records, out, workers=1)]
    assert third.count("converted") == 40


def test_killed_run_resumes_to_complete_valid_set(pfocr_dir: Path, tmp_path: Path) -> None:
    records = make_corpus(pfocr_dir, tmp_path / "src", 1500)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-m",
        "converter",
        "batch",
        str(tmp_path / "src"),
        "-o",
        str(out),
        "--workers=2",
    ]
    # A session of its own, so that the kill takes the workers too, as a crash of the machine would.
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    process = subprocess.Popen(command, start_new_session=True, **quiet)  # type: ignore[call-overload]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*.gpml"))) < 600 and process.poll() is None:
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done_before = len(list(out.glob("*.gpml")))
    assert 0 < done_before < 1500, "the kill must land mid-run"
    result = runner.invoke(app, ["batch", str(tmp_path / "src"), "-o", str(out), "--resume", "--json"])
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout)
    assert totals["converted"] + totals["skipped"] == 1500 and totals["failed"] == 0
    assert totals["skipped"] > 0  # work the killed run committed is not redone
    _assert_complete(records, out)
    with sqlite3.connect(out / LEDGER_NAME) as db:
        assert db.execute("SELECT count(*) FROM figures WHERE status != 'failed'").fetchone()[0] == 1500


def test_sources_from_list_and_stdin(pfocr_dir: Path, tmp_path: Path) -> None:
    records = sorted((pfocr_dir / "_figures").glob("*.md"))[:3]
    listing = tmp_path / "list.txt"
    listing.write_text("# three records\n" + "\n".join(map(str, records)) + "\n")
    assert list(find_records([str(listing)])) == records
    stdin = listing.read_text()
    result = runner.invoke(app, ["batch", "-", "-o", str(tmp_path / "out"), "--json"], input=stdin)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["converted"] == 3


def test_usage_error_for_missing_source(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "nope"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_same_drafts_whatever_the_workers(pfocr_dir: Path, tmp_path: Path, workers: int) -> None:
    records = make_corpus(pfocr_dir, tmp_path / "src", 10)
    options = ConvertOptions(draft=DraftOptions(last_modified="20240101000000"))
    one = tmp_path / "one"
    list(run_batch(records, one, options, workers=1))
    many = tmp_path / f"w{workers}"
    list(run_batch(records, many, options, workers=workers))
    drafts = sorted(one.glob("*.gpml"))
    assert len(drafts) == 10
    for draft in drafts:
        assert draft.read_bytes() == (many / draft.name).read_bytes()


@pytest.mark.parametrize("figid", ["a/b", "../x", ".hidden", "x\0y"])
def test_output_path_refuses_names_that_leave_outdir(tmp_path: Path, figid: str) -> None:
    with pytest.raises(RecordError, match="would write outside"):
        output_path(tmp_path, figid)
    assert output_path(tmp_path, "PMC1__ok-1.2") == tmp_path / "PMC1__ok-1.2.gpml"


def test_the_page_written_during_the_run_is_the_page_of_report_json(pfocr_dir: Path, tmp_path: Path) -> None:
    """index.html, written row by row as the outcomes come, is the page that report.json's figures make,
    and every report lists the inputs in the order given."""
    from converter.batch.page import render_html

    records = make_corpus(pfocr_dir, tmp_path / "src", 30)
    listing = tmp_path / "list.txt"
    given = [*records[15:], *records[:15]]  # not in path order
    listing.write_text("".join(f"{path}\n" for path in given))
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(listing), "-o", str(out), "--workers", "2"]).exit_code == 0
    report = _report(out)
    assert [f["source"] for f in report["figures"]] == [str(path) for path in given]
    assert (out / "index.html").read_text(encoding="utf-8") == render_html(report)
    rows = (out / "report.tsv").read_text().splitlines()[1:]
    assert [row.split("\t")[0] for row in rows] == [path.stem for path in given]


def test_report_rows_stay_one_line_with_every_column(tmp_path: Path) -> None:
    """A tab or a line break inside a value is a space in report.tsv and kept in report.json; the writer
    leaves nothing but the three reports in the folder."""
    from converter.batch import ReportWriter
    from converter.batch.ledger import Outcome
    from converter.batch.reports import REPORT_TSV, TSV_COLUMNS

    reports = ReportWriter(tmp_path, previews=False)
    reports.add(Outcome("a.md", "failed", error="a.md: bad\tcell\nsecond line"))
    reports.add(Outcome("b.md", "converted", "PMC1__b", title="Tab\there", output="PMC1__b.gpml"))
    reports.finish({"inputs": 2}, "src")
    reports.close()
    lines = (tmp_path / REPORT_TSV).read_text().splitlines()
    assert len(lines) == 3 and all(line.count("\t") == len(TSV_COLUMNS) - 1 for line in lines)
    rows = [dict(zip(TSV_COLUMNS, line.split("\t"), strict=True)) for line in lines[1:]]
    assert rows[0]["error"] == "a.md: bad cell second line" and rows[1]["output"] == "PMC1__b.gpml"
    report = _report(tmp_path)
    assert [f["source"] for f in report["figures"]] == ["a.md", "b.md"]
    assert report["figures"][1]["title"] == "Tab\there" and report["totals"] == {"inputs": 2}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html", "report.json", "report.tsv"]


def test_a_path_listed_twice_is_two_rows_and_one_draft(tmp_path: Path) -> None:
    """The reports list every input taken in; the page counts the drafts in the folder, each once."""
    from converter.batch.page import PageRows

    record = next(SAMPLES.glob("PMC10796104*.md"))
    listing = tmp_path / "list.txt"
    listing.write_text(f"{record}\n{record}\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["batch", str(listing), "-o", str(out), "--workers", "1", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["converted"] == 2
    figures = _report(out)["figures"]
    assert [f["source"] for f in figures] == [str(record)] * 2 and len(list(out.glob("*.gpml"))) == 1
    page = PageRows()
    for figure in figures:
        page.add(figure)
    assert (page.inputs, page.drafts, page.unmapped) == (2, 1, figures[0]["unmapped"])


def test_run_batch_takes_any_path_like(tmp_path: Path) -> None:
    """The library takes paths as text or as any os.PathLike (here the entries of a folder listing)."""
    with os.scandir(SAMPLES) as found:
        entries = sorted((e for e in found if e.name.startswith("PMC")), key=lambda e: e.name)
    outcomes = list(run_batch(entries, tmp_path / "out", workers=1, previews=False))
    assert [o.status for o in outcomes] == ["converted"] * 3
    assert [o.source for o in outcomes] == [e.path for e in entries]


def test_reports_name_the_reference_and_the_warnings(tmp_path: Path) -> None:
    """A paper known by its PMCID only is kept as a reference; the reports say it cannot be formatted."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--workers", "1"]).exit_code == 0
    rows = [line.split("\t") for line in (out / "report.tsv").read_text().splitlines()]
    by_figid = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    fly = by_figid["PMC1180554__JCI0525642.f1"]
    assert fly["literature"] == "PMC:PMC1180554"
    assert "literature-database: literature reference 'PMC1180554' is a PMC reference" in fly["warning_texts"]
    assert "kept without identifier" in fly["unmapped_terms"]
    assert by_figid["PMC10796104__AD-15-1-186-g1"]["literature"] == "DOI:10.14336/AD.2023.0515"


def test_a_ledger_of_an_older_version_gains_the_new_columns(pfocr_dir: Path, tmp_path: Path) -> None:
    records = make_corpus(pfocr_dir, tmp_path / "src", 3)
    out = tmp_path / "out"
    assert [o.status for o in run_batch(records, out, workers=1)] == ["converted"] * 3
    with sqlite3.connect(out / LEDGER_NAME) as db:  # as the version before these columns left it
        db.execute("ALTER TABLE figures DROP COLUMN literature")
        db.execute("ALTER TABLE figures DROP COLUMN warning_texts")
    assert [o.status for o in run_batch(records, out, workers=1, resume=True)] == ["skipped"] * 3
    records[0].write_text(records[0].read_text().replace("figtitle:", "figtitle: Changed", 1))
    assert sorted(o.status for o in run_batch(records, out, workers=1, resume=True)) == [
        "converted", "skipped", "skipped"]  # fmt: skip


def test_no_previews_writes_drafts_and_no_svg(tmp_path: Path) -> None:
    out = tmp_path / "out"
    options = ["--workers", "1", "--no-previews", "--json"]
    result = runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), *options])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["converted"] == 3 and len(list(out.glob("*.gpml"))) == 3
    assert not list(out.rglob("*.svg"))
    report = json.loads((out / "report.json").read_text())
    assert [f["preview"] for f in report["figures"]] == ["", "", ""]


def _report(out: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    return report


def test_a_figid_two_inputs_give_is_decided_before_any_file_is_written(
    pfocr_dir: Path, tmp_path: Path
) -> None:
    """The first input (in input order) wins; the later one fails, and the draft is the first one's."""
    records = make_corpus(pfocr_dir, tmp_path / "src", 80)
    first, later = records[10], records[70]
    text = later.read_text().replace(f"figid: {later.stem}", f"figid: {first.stem}")
    later.write_text(text.replace("figtitle:", "figtitle: The later copy", 1))
    second = f"{later}: figid {first.stem} also comes from {first}, given first: only that one is converted"
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}"
        result = runner.invoke(app, ["batch", str(tmp_path / "src"), "-o", str(out), "--workers", workers])
        assert result.exit_code == 1
        figures = {Path(f["source"]).name: f for f in _report(out)["figures"]}
        winner, loser = figures[first.name], figures[later.name]
        assert winner["status"] == "converted" and loser["status"] == "failed"
        assert loser["error"] == second
        draft = (out / f"{first.stem}.gpml").read_bytes()
        assert hashlib.sha256(draft).hexdigest() == winner["output_sha256"]
        assert b"The later copy" not in draft
        svg = (out / "previews" / f"{first.stem}.svg").read_bytes()
        assert hashlib.sha256(svg).hexdigest() == winner["preview_sha256"]
    convert = runner.invoke(app, ["convert", str(first), str(later), "-o", str(tmp_path / "c")])
    assert convert.exit_code == 1 and f"error: {second}" in convert.stderr.splitlines()
    assert b"The later copy" not in (tmp_path / "c" / f"{first.stem}.gpml").read_bytes()


def test_resume_knows_records_however_source_is_spelt(
    pfocr_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_corpus(pfocr_dir, tmp_path / "src", 12)
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", "src", "-o", str(out)]).exit_code == 0  # relative
    listing = tmp_path / "list.txt"
    listing.write_text("\n".join(str(p.resolve()) for p in sorted((tmp_path / "src" / "_figures").iterdir())))
    for spelling in (str(tmp_path / "src"), str(listing), "./src/_figures"):
        result = runner.invoke(app, ["batch", spelling, "-o", str(out), "--resume", "--json"])
        assert result.exit_code == 0, result.stderr
        assert (json.loads(result.stdout)["skipped"], json.loads(result.stdout)["converted"]) == (12, 0), (
            spelling
        )
    with sqlite3.connect(out / LEDGER_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM figures").fetchone() == (12,)


def test_previews_are_part_of_resume_and_never_stale(pfocr_dir: Path, tmp_path: Path) -> None:
    records = make_corpus(pfocr_dir, tmp_path / "src", 6)
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(tmp_path / "src"), "-o", str(out)]).exit_code == 0
    previews = out / "previews"
    deleted, damaged = previews / f"{records[0].stem}.svg", previews / f"{records[1].stem}.svg"
    deleted.unlink()
    damaged.write_bytes(damaged.read_bytes()[:50])
    result = runner.invoke(app, ["batch", str(tmp_path / "src"), "-o", str(out), "--resume", "--json"])
    assert json.loads(result.stdout)["skipped"] == 6
    for svg in (deleted, damaged):  # drawn again, from the draft that is there
        assert svg.read_bytes() == render_svg(out / f"{Path(svg).stem}.gpml")
    # A changed record without previews: its old preview goes, the others stay and are shown.
    records[2].write_text(records[2].read_text().replace("figtitle:", "figtitle: Changed", 1))
    options = ["--resume", "--no-previews", "--json"]
    result = runner.invoke(app, ["batch", str(tmp_path / "src"), "-o", str(out), *options])
    assert (json.loads(result.stdout)["converted"], json.loads(result.stdout)["skipped"]) == (1, 5)
    assert not (previews / f"{records[2].stem}.svg").exists()
    shown = {f["figid"]: f["preview"] for f in _report(out)["figures"]}
    assert shown[records[2].stem] == "" and all(shown[r.stem] for r in records if r != records[2])
    assert f"previews/{records[2].stem}.svg" not in (out / "index.html").read_text()


def test_batch_removes_its_own_leftovers_and_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "previews").mkdir(parents=True)
    users = [out / ".notes.tmp", out / "draft.tmp", out / "previews" / "mine.tmp"]
    leftovers = [out / ".x.gpml.pfocr2gpml-99-0.tmp", out / "previews" / ".x.svg.pfocr2gpml-99-1.tmp"]
    for path in users + leftovers:
        path.write_text("x")
    assert runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--workers", "1"]).exit_code == 0
    assert all(p.exists() for p in users) and not any(p.exists() for p in leftovers)


def test_one_record_and_an_empty_folder(tmp_path: Path) -> None:
    record = SAMPLES / "PMC10796104__AD-15-1-186-g1.md"
    result = runner.invoke(app, ["batch", str(record), "-o", str(tmp_path / "one"), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["converted"] == 1
    (tmp_path / "empty").mkdir()
    for command in ("batch", "convert"):
        result = runner.invoke(app, [command, str(tmp_path / "empty"), "-o", str(tmp_path / "o")])
        assert result.exit_code == 2 and "no records (.md)" in result.stderr, command


def test_an_older_ledger_keyed_by_source_is_migrated(tmp_path: Path) -> None:
    """A ledger of the version that keyed figures by SOURCE's spelling resumes: nothing is redone."""
    out = tmp_path / "out"
    assert runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--workers", "1"]).exit_code == 0
    with sqlite3.connect(out / LEDGER_NAME) as db:  # as that version wrote it
        columns = [
            row[1]
            for row in db.execute("PRAGMA table_info(figures)")
            if row[1] not in ("key", "preview_sha256")
        ]
        db.execute(f"CREATE TABLE old AS SELECT {', '.join(columns)} FROM figures")
        db.execute("DROP TABLE figures")
        kept = ", ".join(c for c in columns if c != "source")
        db.execute(f"CREATE TABLE figures ({kept}, source TEXT NOT NULL, PRIMARY KEY (source))")
        db.execute(
            f"INSERT INTO figures SELECT {', '.join(c for c in columns if c != 'source')}, source FROM old"
        )
        db.execute("DROP TABLE old")
    result = runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--resume", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["skipped"] == 3
    assert all(f["preview"] for f in _report(out)["figures"])  # the previews drawn again and shown


def test_the_ledger_holds_what_was_handed_over_when_a_run_stops_mid_chunk(
    pfocr_dir: Path, tmp_path: Path
) -> None:
    """Stopped after 5 of a chunk's 32 outcomes, the ledger's run holds those 5, not the chunk."""
    records = make_corpus(pfocr_dir, tmp_path / "src", 100)
    out = tmp_path / "out"
    outcomes = run_batch(records, out, workers=1)
    taken = [next(outcomes) for _ in range(5)]
    outcomes.close()
    with contextlib.closing(sqlite3.connect(out / LEDGER_NAME)) as db:
        query = "SELECT source FROM figures WHERE run = (SELECT run FROM runs) ORDER BY source"
        assert [row[0] for row in db.execute(query)] == sorted(o.source for o in taken)
    assert not [p for p in out.rglob("*") if ".pfocr2gpml-" in p.name]


def _pathways_like(draft: Path, root: Path, drop: int = 0) -> Path:
    """A wikipathways-database-like checkout: WP100 holds the draft's genes but ``drop`` of them, plus two
    of its own; WP200 (human) and WP300 (mouse) share nothing with it."""
    genes = sorted(read_gene_set(draft).genes)
    sets = {
        "WP100": ("Covering pathway", "Homo sapiens", [*genes[drop:], 990001, 990002]),
        "WP200": ("Elsewhere", "Homo sapiens", [990100, 990101, 990102]),
        "WP300": ("Mouse copy", "Mus musculus", genes),
    }
    for wpid, (title, organism, ids) in sets.items():
        (root / "pathways" / wpid).mkdir(parents=True, exist_ok=True)
        (root / "pathways" / wpid / f"{wpid}.gpml").write_text(gpml(title, organism, entrez_nodes(ids)))
    return root


def test_wikipathways_pathways_are_named_per_figure_and_part_of_resume(tmp_path: Path) -> None:
    human = "PMC10796104__AD-15-1-186-g1"
    plain = tmp_path / "plain"
    assert runner.invoke(app, ["batch", str(SAMPLES), "-o", str(plain), "--workers", "1"]).exit_code == 0
    genes = len(read_gene_set(plain / f"{human}.gpml").genes)
    assert genes > 3
    assert {f["related"] is None for f in _report(plain)["figures"]} == {True}, "not asked: not known"
    plain_rows = [line.split("\t") for line in (plain / "report.tsv").read_text().splitlines()]
    assert {r[plain_rows[0].index("best_share")] for r in plain_rows[1:]} == {""}
    assert 'value="novelty:new"' not in (plain / "index.html").read_text()
    checkout = _pathways_like(plain / f"{human}.gpml", tmp_path / "wikipathways-database")
    out, options = tmp_path / "out", ["--workers", "1", "--no-previews", "--wikipathways", str(checkout)]

    result = runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), *options])
    assert result.exit_code == 0, result.stderr
    assert "related pathways: 3 from" in result.stderr
    figures = {f["figid"]: f for f in _report(out)["figures"]}
    best = figures[human]["related"][0]
    assert (best["wpid"], best["title"], best["shared"], best["size"]) == ("WP100", "Covering pathway", genes,
                                                                           genes + 2)  # fmt: skip
    assert best["p_value"] < 0.05 and figures[human]["best_p_value"] == best["p_value"]
    assert figures[human]["best_share"] == 1.0
    assert all(m["wpid"] != "WP300" for f in figures.values() for m in f["related"]), "mouse is not human"
    fly = figures["PMC1180554__JCI0525642.f1"]
    assert (fly["related"], fly["best_share"], fly["best_p_value"]) == ([], 0.0, 1.0)
    rows = [line.split("\t") for line in (out / "report.tsv").read_text().splitlines()]
    row = dict(zip(rows[0], next(r for r in rows if r[0] == human), strict=True))
    assert row["related"].startswith("WP100 ") and row["best_share"] == "1.0"
    page = (out / "index.html").read_text()
    assert 'value="novelty:new">no pathway holds over 50% of its genes (2)' in page
    assert 'value="novelty:covered">a pathway holds over 50% of its genes (1)' in page

    # What the push's pull request tells the editors comes from the same ledger.
    related = ledger.related_of(out, human)
    assert [m["wpid"] for m in related] == [m["wpid"] for m in figures[human]["related"]]
    _, body = pull_request_text(parse_gpml((out / f"{human}.gpml").read_bytes()), human, "x.gpml", related)
    assert "### Related WikiPathways pathways" in body
    assert f"- [WP100](https://www.wikipathways.org/pathways/WP100.html) Covering pathway: {genes} of" in body

    again = runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--resume", "--json", *options])
    assert json.loads(again.stdout)["skipped"] == 3, "the same pathways: nothing to redo"
    _pathways_like(plain / f"{human}.gpml", checkout, drop=2)
    changed = runner.invoke(app, ["batch", str(SAMPLES), "-o", str(out), "--resume", "--json", *options])
    assert json.loads(changed.stdout)["converted"] == 3, "other pathways: every figure is related again"
    best = {f["figid"]: f for f in _report(out)["figures"]}[human]["related"][0]
    assert (best["wpid"], best["shared"]) == ("WP100", genes - 2)


def test_wikipathways_that_is_not_there_is_a_usage_error(tmp_path: Path) -> None:
    missing, batch = tmp_path / "nowhere", ["batch", str(SAMPLES), "-o", str(tmp_path / "o")]
    result = runner.invoke(app, [*batch, "--wikipathways", str(missing)])
    assert result.exit_code == 2 and f"--wikipathways {missing}: no such file or folder" in result.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, [*batch, "--wikipathways", str(empty)])
    assert result.exit_code == 2 and "no pathways found there" in result.stderr
    assert not (tmp_path / "o" / "report.json").exists()

"""The command line, end to end: real records, bad input, exit codes, the installed entry point."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from converter.cli import app
from converter.gpml import GPML_NS

from .conftest import SAMPLES, XSD

runner = CliRunner()
NS = {"g": GPML_NS}
GOOD = (
    "---\nfigid: {figid}\nfigtitle: A pathway of kinase signalling\norganisms_ner:\n- Homo sapiens\n"
    "schema-jsonld:\n  keywords:\n  - JAK2\n  - STAT3\n---\n"
)


def _run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_convert_samples_offline(tmp_path: Path) -> None:
    code, out, err = _run("convert", str(SAMPLES), "-o", str(tmp_path), "--date", "2024-01-01")
    assert code == 0, err
    drafts = sorted(tmp_path.glob("*.gpml"))
    assert [d.stem for d in drafts] == sorted(p.stem for p in SAMPLES.glob("PMC*.md"))
    for draft in drafts:
        assert XSD.validate(etree.parse(str(draft))), draft
    human = etree.parse(str(tmp_path / "PMC10796104__AD-15-1-186-g1.gpml")).getroot()
    xrefs = {x.get("ID") for x in human.iterfind("g:DataNode/g:Xref", NS)}
    assert {"3717", "6774", "7124"} <= xrefs  # JAK2, STAT3, TNF resolved offline to Entrez Gene
    assert "PMC10796104__AD-15-1-186-g1: " in out and "unmapped keyword 'TNF-a'" in out


def test_bad_records_fail_alone(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "PMC1__good.md").write_text(GOOD.format(figid="PMC1__good"))
    (src / "PMC2__yaml.md").write_text("---\nfigid: [oops\n---\n")
    (src / "PMC3__none.md").write_text("just text\n")
    (src / "PMC4__bytes.md").write_bytes(b"---\nfigid: PMC4\xfe\n---\n")
    (src / "PMC5__escape.md").write_text(GOOD.format(figid="../../escape"))
    (src / "PMC6__bom.md").write_bytes(
        b"\xef\xbb\xbf" + GOOD.format(figid="PMC6__bom").replace("\n", "\r\n").encode()
    )
    (src / "PMC7__ctrl.md").write_text(GOOD.format(figid="PMC7__ctrl").replace("kinase", "kin\x07ase"))
    (src / "PMC8__missing.md").write_text("---\nfigid: PMC8__missing\n---\n")
    out_dir = tmp_path / "out"
    code, out, err = _run("convert", str(src), "-o", str(out_dir), "-q")
    assert code == 1
    errors = err.strip().splitlines()
    assert len(errors) == 4, err
    for name, problem in [
        ("PMC2__yaml.md", "malformed YAML"),
        ("PMC3__none.md", "no YAML front matter"),
        ("PMC4__bytes.md", "not UTF-8"),
        ("PMC5__escape.md", "unsafe figid"),
    ]:
        assert any(name in line and problem in line for line in errors), (name, err)
    assert "Traceback" not in out + err
    written = sorted(p.name for p in out_dir.iterdir())
    assert written == ["PMC1__good.gpml", "PMC6__bom.gpml", "PMC7__ctrl.gpml", "PMC8__missing.gpml"]
    assert not (tmp_path / "escape.gpml").exists()
    for name in written:
        assert XSD.validate(etree.parse(str(out_dir / name))), name


def test_alias_bomb_does_not_hang(tmp_path: Path) -> None:
    lines = ["---", "figid: PMC9__bomb", 'a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    lines += ["organisms: *a11", "---"]
    (tmp_path / "PMC9__bomb.md").write_text("\n".join(lines))
    code, _, err = _run("convert", str(tmp_path / "PMC9__bomb.md"), "-o", str(tmp_path / "out"))
    assert code == 1 and "PMC9__bomb.md" in err and len(err.strip().splitlines()) == 1


def test_two_thousand_genes(tmp_path: Path) -> None:
    keywords = "".join(f"  - GENE{i}\n" for i in range(2000))
    text = GOOD.format(figid="PMC10__big").replace("  - JAK2\n  - STAT3\n", keywords)
    (tmp_path / "PMC10__big.md").write_text(text)
    code, out, _ = _run("convert", str(tmp_path / "PMC10__big.md"), "-o", str(tmp_path), "-q")
    assert code == 0
    assert "2000 unmapped" in out  # not human genes: every word listed, none dropped


def test_two_thousand_genes_from_a_table(tmp_path: Path) -> None:
    """A figure with 2,000 mapped genes gives 2,000 nodes, laid out without overlap, valid."""
    header = "organism_id\torganism_name\torganism_group\tword\tmatch\tncbigene_symbol\tncbigene_id\tsource\n"
    rows = "".join(
        f"9606\tHomo sapiens\tPrimates\tw{i}\tW{i}\tSYM{i}\t{i + 1}\tncbigene_symbol\n" for i in range(2000)
    )
    (tmp_path / "PMC12__huge-genes.tsv").write_text(header + rows)
    (tmp_path / "PMC12__huge.md").write_text(GOOD.format(figid="PMC12__huge"))
    code, out, _ = _run("convert", str(tmp_path / "PMC12__huge.md"), "-o", str(tmp_path / "out"), "-q")
    assert code == 0 and "2000 mapped" in out
    root = etree.parse(str(tmp_path / "out" / "PMC12__huge.gpml")).getroot()
    assert len(root.findall("g:DataNode", NS)) == 2000
    assert XSD.validate(root.getroottree())


def test_uncovered_organism_keeps_nodes(tmp_path: Path) -> None:
    text = GOOD.format(figid="PMC11__fish").replace("Homo sapiens", "Danio rerio").replace("JAK2", "jak2a")
    (tmp_path / "PMC11__fish.md").write_text(text)
    code, out, _ = _run("convert", str(tmp_path / "PMC11__fish.md"), "-o", str(tmp_path))
    assert code == 0
    assert "does not cover Danio rerio" in out
    root = etree.parse(str(tmp_path / "PMC11__fish.gpml")).getroot()
    assert root.get("Organism") == "Danio rerio"
    assert {n.get("TextLabel") for n in root.iterfind("g:DataNode", NS)} == {"jak2a", "STAT3"}


def test_explicit_tables_and_organism(pfocr_dir: Path, tmp_path: Path) -> None:
    figid = "PMC10034769__fphar-14-1067402-g009"
    record = tmp_path / f"{figid}.md"
    shutil.copy(pfocr_dir / "_figures" / f"{figid}.md", record)  # alone: its tables are elsewhere
    genes = pfocr_dir / "_data" / f"{figid}-genes.tsv"
    code, _, err = _run(
        "convert", str(record), "-o", str(tmp_path), "--genes", str(genes), "--organism", "Homo sapiens"
    )
    assert code == 0, err
    root = etree.parse(str(tmp_path / f"{figid}.gpml")).getroot()
    assert root.get("Organism") == "Homo sapiens"
    human_ids = {
        line.split("\t")[6]
        for line in genes.read_text().splitlines()[1:]
        if line.split("\t")[1] == "Homo sapiens"
    }
    assert {x.get("ID") for x in root.iterfind("g:DataNode/g:Xref[@Database='Entrez Gene']", NS)} == human_ids


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert _run("convert", str(SAMPLES), "-o", str(tmp_path), "--genes", "x.tsv")[0] == 2
    assert (
        _run(
            "convert", str(SAMPLES / "PMC10796104__AD-15-1-186-g1.md"), "-o", str(tmp_path), "--date", "soon"
        )[0]
        == 2
    )
    assert _run("convert")[0] == 2
    assert _run("validate", str(tmp_path), "--rules", "nonsense")[0] == 2


def test_authors_and_date_reach_the_start_tag(tmp_path: Path) -> None:
    sample = str(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    authors = ("--author", "Egonw, Khanspers", "--author", "DeSl")
    code, _, _ = _run("convert", sample, "-o", str(tmp_path), *authors, "--date", "2024-02-29")
    assert code == 0
    start = (tmp_path / "PMC10796104__AD-15-1-186-g1.gpml").read_text().split("\n")[1]
    assert (
        ' Version="WP0_r20240229000000" Author="[Egonw, Khanspers, DeSl]" Last-Modified="20240229000000"'
        in start
    )


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--date", "2024-13-45", "not a calendar date"), ("--date", "2023-02-29", "not a calendar date"),
     ("--author", "a]b", "user name"), ("--author", " , ", "empty")],
)  # fmt: skip
def test_impossible_dates_and_authors_are_usage_errors(
    tmp_path: Path, option: str, value: str, said: str
) -> None:
    code, _, err = _run("convert", str(SAMPLES), "-o", str(tmp_path), option, value)
    assert code == 2 and said in err and "\n" not in err.strip()
    assert not list(tmp_path.glob("*.gpml"))


def test_source_date_epoch_makes_output_reproducible(tmp_path: Path) -> None:
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    sample = str(SAMPLES / "PMC10796104__AD-15-1-186-g1.md")
    runner.invoke(app, ["convert", sample, "-o", str(tmp_path / "a")], env=env)
    runner.invoke(app, ["convert", sample, "-o", str(tmp_path / "b")], env=env)
    a = (tmp_path / "a" / "PMC10796104__AD-15-1-186-g1.gpml").read_bytes()
    assert a == (tmp_path / "b" / "PMC10796104__AD-15-1-186-g1.gpml").read_bytes()
    assert b' Version="WP0_r20231114221320" Author="[PFOCR]" Last-Modified="20231114221320" Organism=' in a


def test_validate_command(tmp_path: Path) -> None:
    assert _run("convert", str(SAMPLES), "-o", str(tmp_path))[0] == 0
    assert len(list(tmp_path.glob("*.gpml"))) == 3
    code, out, err = _run("validate", str(tmp_path))
    assert code == 0, out + err
    assert err.strip().startswith("3 files, 0 errors, ")
    code, out, err = _run("validate", str(tmp_path), "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["files"] == 3
    rules = {f["rule"] for f in report["findings"]}
    assert {"annotated-nodes", "literature-database"} <= rules  # the fly sample: no ids, a PMC reference
    assert all(f["severity"] == "warning" and f["file"].endswith(".gpml") for f in report["findings"])
    broken = tmp_path / "broken.gpml"
    broken.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<Pathway xmlns="http://pathvisio.org/GPML/2013a"/>\n'
    )
    code, out, _ = _run("validate", str(broken))
    assert code == 1 and "broken.gpml" in out


def test_installed_entry_point(tmp_path: Path) -> None:
    exe = shutil.which("pfocr2gpml", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("the pfocr2gpml console script is not installed in this environment")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    done = subprocess.run(
        [exe, "convert", str(SAMPLES), "-o", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert len(list(tmp_path.glob("*.gpml"))) == 3


def test_render_command(tmp_path: Path) -> None:
    _run("convert", str(SAMPLES), "-o", str(tmp_path))
    svg = tmp_path / "sample.svg"
    code, _, err = _run("render", str(tmp_path / "PMC10796104__AD-15-1-186-g1.gpml"), "-o", str(svg))
    assert code == 0, err
    root = etree.parse(str(svg)).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "JAK2" in "".join(root.itertext())
    broken = tmp_path / "broken.gpml"
    broken.write_text("<not-closed")
    code, _, err = _run("render", str(broken), "-o", str(tmp_path / "x.svg"))
    assert code == 1 and "broken.gpml" in err and len(err.strip().splitlines()) == 1


def test_push_command_against_loopback_github(tmp_path: Path) -> None:
    from .github_fake import FakeGitHub

    _run("convert", str(SAMPLES), "-o", str(tmp_path))
    token = "ghp_CLITESTTOKEN987"
    with FakeGitHub(token=token, fork_delay=1) as server:
        server.add_repo("wikipathways/wikipathways-database", {"README.md": b"WikiPathways\n"})
        # a dry run first: it sends nothing and needs no token
        dry = runner.invoke(
            app, ["push", str(tmp_path), "--api-url", server.url, "--dry-run"], env={"GITHUB_TOKEN": ""}
        )
        assert dry.exit_code == 0 and "POST" in dry.stdout and dry.stdout.count(": planned") == 3
        assert server.calls() == []
        args = ["push", str(tmp_path), "--api-url", server.url, "--yes"]
        result = runner.invoke(app, args, env={"GITHUB_TOKEN": token, "GH_TOKEN": ""})
        assert result.exit_code == 0, result.stderr
        lines = result.stdout.strip().splitlines()
        assert len(lines) == 3 and all(": created http" in line for line in lines), result.stdout
        again = runner.invoke(app, args, env={"GITHUB_TOKEN": token, "GH_TOKEN": ""})
        assert again.exit_code == 0 and again.stdout.count(": unchanged") == 3
        assert token not in result.stdout + result.stderr + again.stdout + again.stderr


def test_push_without_token_is_one_line(tmp_path: Path) -> None:
    _run("convert", str(SAMPLES / "PMC10796104__AD-15-1-186-g1.md"), "-o", str(tmp_path))
    result = runner.invoke(app, ["push", str(tmp_path)], env={"GITHUB_TOKEN": "", "GH_TOKEN": ""})
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no GitHub token") and len(result.stderr.strip().splitlines()) == 1


def test_uncovered_organism_drops_common_non_gene_words(tmp_path: Path) -> None:
    text = GOOD.format(figid="PMC13__fly").replace("Homo sapiens", "Drosophila melanogaster")
    text = text.replace("  - STAT3\n", "  - STAT3\n  - ATP\n  - cAMP\n")
    (tmp_path / "PMC13__fly.md").write_text(text)
    code, out, _ = _run("convert", str(tmp_path / "PMC13__fly.md"), "-o", str(tmp_path))
    assert code == 0
    assert "unmapped keyword 'ATP': common non-gene word (chemical)" in out
    root = etree.parse(str(tmp_path / "PMC13__fly.gpml")).getroot()
    assert {n.get("TextLabel") for n in root.iterfind("g:DataNode", NS)} == {"JAK2", "STAT3"}


def test_a_reader_that_stops_reading_does_not_stop_the_conversion(tmp_path: Path) -> None:
    """`convert … | head -1`: the rest is still converted, and the command says nothing about the pipe."""
    exe = [sys.executable, "-m", "converter", "convert", str(SAMPLES), "-o", str(tmp_path)]
    with subprocess.Popen(exe, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # as head does after its line
        code = proc.wait(timeout=60)
        err = proc.stderr.read().decode()
    assert first.startswith(b"PMC") and code == 0 and err == ""
    assert len(list(tmp_path.glob("*.gpml"))) == 3


def _usage_error(*args: str) -> str:
    code, _, err = _run(*args)
    assert code == 2 and err.startswith("usage error: ") and err.count("\n") == 1, (code, err)
    return err


def test_easy_mistakes_are_usage_errors(tmp_path: Path) -> None:
    assert _run("convert", str(SAMPLES), "-o", str(tmp_path / "d"))[0] == 0
    gpml = tmp_path / "d" / "PMC10796104__AD-15-1-186-g1.gpml"
    before = gpml.read_bytes()
    assert "is the GPML file itself" in _usage_error("render", str(gpml), "-o", str(gpml))
    assert gpml.read_bytes() == before
    assert "is a folder" in _usage_error("render", str(tmp_path / "d"), "-o", str(tmp_path / "x.svg"))
    assert "is a folder" in _usage_error("render", str(gpml), "-o", str(tmp_path))
    assert "-o is empty" in _usage_error("render", str(gpml), "-o", "")
    for command in ("convert", "batch"):
        assert "-o is empty" in _usage_error(command, str(SAMPLES), "-o", "")
        assert "is a file, not a folder" in _usage_error(command, str(SAMPLES), "-o", str(gpml))
        assert "cannot make the folder" in _usage_error(command, str(SAMPLES), "-o", str(gpml / "below"))
    assert not list(Path.cwd().glob("PMC*.gpml"))


def test_a_read_only_output_folder_is_a_usage_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:  # root writes through permissions: a read-only file system is needed
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], check=False
        )
        if mounted.returncode:
            pytest.skip("as root, a read-only folder needs a read-only mount, and mount is not allowed here")
    else:
        folder.chmod(0o555)
    try:
        for command in ("convert", "batch"):
            assert "cannot be written to" in _usage_error(command, str(SAMPLES), "-o", str(folder))
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(folder)], check=False)
        folder.chmod(0o755)


def test_organisms_are_matched_whatever_the_case_and_unknown_ones_refused(tmp_path: Path) -> None:
    sample = str(SAMPLES / "PMC10034247__11064_2023_3912_Fig1_HTML.md")  # a mouse figure, by its keywords
    code, out, _ = _run("convert", sample, "-o", str(tmp_path), "--organism", "mus  MUSCULUS")
    assert code == 0 and "; Mus musculus ->" in out
    root = etree.parse(str(tmp_path / "PMC10034247__11064_2023_3912_Fig1_HTML.gpml")).getroot()
    ids = [x.get("ID") for x in root.iterfind("g:DataNode/g:Xref", NS)]
    assert root.get("Organism") == "Mus musculus" and ids and all(ids)  # the mouse table was used
    err = _usage_error("convert", sample, "-o", str(tmp_path), "--organism", "homo sapien")
    assert "unknown organism 'homo sapien'" in err and "Homo sapiens" in err
    assert "unknown organism" in _usage_error("batch", sample, "-o", str(tmp_path), "--organism", "human")


def test_a_genes_table_of_another_figure_is_said_so(pfocr_dir: Path, tmp_path: Path) -> None:
    record = pfocr_dir / "_figures" / "PMC10796104__AD-15-1-186-g1.md"
    other = pfocr_dir / "_data" / "PMC1180565__JCI0526046.f1-genes.tsv"
    code, out, _ = _run("convert", str(record), "-o", str(tmp_path), "--genes", str(other))
    assert code == 0 and "warning: the genes table shares no word with the record's keywords" in out
    code, out, _ = _run("convert", str(record), "-o", str(tmp_path))
    assert code == 0 and "shares no word" not in out


def test_a_draft_without_nodes_is_warned_by_validate(tmp_path: Path) -> None:
    text = GOOD.format(figid="PMC14__none").replace("  - JAK2\n  - STAT3\n", "  - ATP\n  - cAMP\n")
    (tmp_path / "PMC14__none.md").write_text(text)
    code, out, _ = _run("convert", str(tmp_path / "PMC14__none.md"), "-o", str(tmp_path), "-q")
    assert code == 0 and ": 0 nodes" in out
    code, out, _ = _run("validate", str(tmp_path / "PMC14__none.gpml"))
    assert code == 0 and "warning: data-nodes" in out


def test_the_progress_rate_is_a_whole_number(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from converter.cli.output import progress

    screen = io.StringIO()
    screen.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", screen)
    with progress(1000, quiet=False) as advance:
        for done in range(1, 1001, 100):
            advance({"converted": done, "failed": 0, "skipped": 0})
            time.sleep(0.01)
    shown = screen.getvalue()
    assert "records/s" in shown and "None" not in shown
    assert not re.search(r"\d\.\d{3,} ", shown)  # no 395171.2628780491-style rates


@pytest.mark.parametrize(
    ("option", "problem"),
    [
        (["--repo", "no-slash"], "--repo must look like OWNER/NAME"),
        (["--path-template", "../{figid}.gpml"], "--path-template must give a relative path"),
        (["--api-url", "http://github.example.org"], "--api-url must be an https:// URL"),
    ],
)
def test_push_refuses_bad_options_before_asking_anything(
    tmp_path: Path, option: list[str], problem: str
) -> None:
    for copy in ("a", "b"):  # more drafts than push pushes without asking
        _run("convert", str(SAMPLES), "-o", str(tmp_path / copy))
    assert len(list(tmp_path.rglob("*.gpml"))) > 3
    result = runner.invoke(app, ["push", str(tmp_path), *option], env={"GITHUB_TOKEN": "ghp_x"}, input="")
    assert result.exit_code == 2 and problem in result.stderr and "Push " not in result.stdout

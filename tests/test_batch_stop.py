"""How ``pfocr2gpml batch`` stops: Ctrl-C or SIGTERM mid-run, a second run into a busy OUTDIR, a full disk.

Each test runs the real command line in a subprocess; every wait has a bound, so a hang fails the test.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from converter.batch import LEDGER_NAME, run_batch
from converter.batch.ledger import LOCK_NAME
from converter.files import TEMPORARY_MARK

from .conftest import SAMPLES
from .synthetic import make_corpus

pytestmark = pytest.mark.usefixtures("pfocr_dir")  # skipped, with the reason, without the shared corpus

M = 3000  # records: about 10 s of batch with 2 workers on 2 cores, so a stop lands mid-run
_SCRIPT = Path(sys.executable).with_name("pfocr2gpml")
CLI = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "converter"]
INTERRUPTED = re.compile(r"interrupted: (\d+) of (\d+) done; run again with --resume")
BIG_FIGID = "PMC0__big-caption"  # first in input order: its failure is reported before the ledger fills


@pytest.fixture(scope="module")
def corpus(pfocr_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """M records in a pfocr-database layout, made once for the module."""
    source = tmp_path_factory.mktemp("stop") / "src"
    make_corpus(pfocr_dir, source, M)
    return source


def _batch(source: Path, out: Path, *more: str) -> list[str]:
    return [*CLI, "batch", str(source), "-o", str(out), "--workers", "2", *more]


@contextlib.contextmanager
def _started(command: list[str]) -> Iterator[subprocess.Popen[str]]:
    """The command in a session of its own; it and its workers are killed if the test ends first."""
    pipes: dict[str, Any] = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    proc = subprocess.Popen(command, start_new_session=True, **pipes)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


def _wait_for_drafts(proc: subprocess.Popen[str], out: Path, count: int) -> None:
    """Wait (60 s at most) until the run has put ``count`` drafts in place."""
    deadline = time.monotonic() + 60
    while len(list(out.glob("*.gpml"))) < count:
        assert proc.poll() is None, (
            f"the run ended before {count} drafts: {proc.communicate(timeout=30)[1][-800:]}"
        )
        assert time.monotonic() < deadline, f"fewer than {count} drafts after 60 s"
        time.sleep(0.05)


def _session(sid: int) -> list[str]:
    """The live (not zombie) processes of session ``sid``, read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            state, _, _, session = stat.read_text().rsplit(")", 1)[1].split()[:4]
            if int(session) == sid and state != "Z":
                found.append(f"{stat.parent.name} ({state})")
    return found


def _leftovers(out: Path) -> list[str]:
    """Temporary files of the tool left in OUT or OUT/previews."""
    folders = [f for f in (out, out / "previews") if f.is_dir()]
    return [p.name for f in folders for p in f.iterdir() if TEMPORARY_MARK in p.name and p.suffix == ".tmp"]


def _check_drafts(out: Path, figures: list[dict[str, Any]]) -> int:
    """Every figure not failed has its draft, parsable and with the hash recorded; returns how many."""
    good = [f for f in figures if f["status"] != "failed"]
    for figure in good:
        data = (out / figure["output"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == figure["output_sha256"], figure["output"]
        etree.fromstring(data)
    return len(good)


def _check_stopped(proc: subprocess.Popen[str], out: Path, code: int) -> int:
    """The guarantees of a stopped run; returns how many records it did."""
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == code, stderr[-2000:]
    assert not _session(proc.pid), "a process of the run outlived it"
    assert "Traceback" not in stderr, stderr[-2000:]
    last = INTERRUPTED.fullmatch((stderr.splitlines() or [""])[-1])
    assert last, stderr[-2000:]
    done, listed = int(last[1]), int(last[2])
    assert listed == M and 0 < done < M
    report = json.loads((out / "report.json").read_text())
    totals = report["totals"]
    assert totals["inputs"] == totals["converted"] + totals["failed"] + totals["skipped"] == done
    assert (totals["listed"], totals["stopped"], totals["failed"]) == (M, True, 0)
    assert len(report["figures"]) == done, "the report lists other figures than those counted"
    assert _check_drafts(out, report["figures"]) == done
    assert not _leftovers(out)
    return done


def _resume_completes(source: Path, out: Path, done: int) -> None:
    """A --resume run finishes the corpus, redoing nothing the stopped run did."""
    result = subprocess.run(
        _batch(source, out, "--resume", "--json"), capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, result.stderr[-2000:]
    totals = json.loads(result.stdout)
    assert totals["converted"] + totals["skipped"] == M and totals["failed"] == 0
    assert totals["skipped"] >= done
    figures = json.loads((out / "report.json").read_text())["figures"]
    assert _check_drafts(out, figures) == M == len(list(out.glob("*.gpml")))
    assert not _leftovers(out)


@pytest.mark.parametrize(
    ("signum", "group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, True, 143), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigterm-group", "sigterm-main"],
)
def test_signal_stops_cleanly_and_resume_completes(
    corpus: Path, tmp_path: Path, signum: int, group: bool, code: int
) -> None:
    """A signal to the run (its process group, as a terminal sends, or its main process) stops it
    cleanly with everything done recorded; --resume then completes the corpus."""
    out = tmp_path / "out"
    with _started(_batch(corpus, out)) as proc:
        _wait_for_drafts(proc, out, M // 4)
        (os.killpg if group else os.kill)(proc.pid, signum)
        done = _check_stopped(proc, out, code)
    _resume_completes(corpus, out, done)


def test_second_run_into_busy_outdir_is_refused(corpus: Path, tmp_path: Path) -> None:
    """A second run into an OUTDIR in use fails at once naming the first's process; the first goes on."""
    out = tmp_path / "out"
    with _started(_batch(corpus, out)) as first:
        _wait_for_drafts(first, out, 100)
        assert (out / LOCK_NAME).read_text().strip() == str(first.pid)
        started = time.monotonic()
        second = subprocess.run(_batch(corpus, out), capture_output=True, text=True, timeout=30)
        assert time.monotonic() - started < 10, "the second run waited for the first"
        assert second.returncode == 2, second.stderr[-2000:]
        lines = second.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("usage error: "), second.stderr[-2000:]
        assert f"process {first.pid}" in lines[0]
        assert first.poll() is None, "the first run ended before the second was refused: use more records"
        _, stderr = first.communicate(timeout=120)
    assert first.returncode == 0, stderr[-2000:]
    report = json.loads((out / "report.json").read_text())
    assert report["totals"]["inputs"] == report["totals"]["converted"] == M
    assert _check_drafts(out, report["figures"]) == M == len(list(out.glob("*.gpml")))
    with contextlib.closing(sqlite3.connect(out / LEDGER_NAME)) as db:
        assert db.execute("SELECT run FROM runs").fetchone()[0].endswith(f"-{first.pid}")


def _big_record(folder: Path) -> Path:
    """A record whose ~1.2 MB caption makes a draft too big for the disk or the file size limit."""
    folder.mkdir(parents=True, exist_ok=True)
    caption = " ".join(f"word{i}" for i in range(120_000))
    path = folder / f"{BIG_FIGID}.md"
    text = f"---\nfigid: {BIG_FIGID}\nfigtitle: Big\norganisms:\n- Homo sapiens\ncaption: {caption}\n---\n"
    path.write_text(text)
    return path


def test_full_disk_fails_cleanly(pfocr_dir: Path, tmp_path: Path) -> None:
    """Batch into a 300 kB tmpfs: one-line errors, exit 1, no partial draft or temporary file."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    source = tmp_path / "src"
    make_corpus(pfocr_dir, source, 50)
    _big_record(source / "_figures")
    out = tmp_path / "out"
    out.mkdir()
    try:
        mount = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(out)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a small tmpfs: {exc}")
    if mount.returncode:
        pytest.skip(f"cannot mount a small tmpfs: {mount.stderr.strip()}")
    try:
        result = subprocess.run(_batch(source, out), capture_output=True, text=True, timeout=120)
        kept = tmp_path / "kept"  # what the tmpfs holds, read after the run (the ledger with its WAL)
        shutil.copytree(out, kept)
        leftovers = _leftovers(out)
    finally:
        subprocess.run(["umount", str(out)], capture_output=True, timeout=30, check=False)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert all(line.startswith(("error: ", "stopped: ", "batch: ")) for line in lines), result.stderr[-2000:]
    assert any(f"{BIG_FIGID}.gpml: cannot write: the disk is full" in line for line in lines)
    assert not (kept / f"{BIG_FIGID}.gpml").exists() and not leftovers
    with contextlib.closing(sqlite3.connect(kept / LEDGER_NAME)) as db:
        recorded = dict(db.execute("SELECT output, output_sha256 FROM figures WHERE status != 'failed'"))
    if (kept / "report.json").exists():
        figures = json.loads((kept / "report.json").read_text())["figures"]
        recorded.update((f["output"], f["output_sha256"]) for f in figures if f["status"] != "failed")
    drafts = list(kept.glob("*.gpml"))
    for draft in drafts:  # whole, never a part: each parses, and matches its record if it has one
        data = draft.read_bytes()
        etree.fromstring(data)
        if draft.name in recorded:
            assert hashlib.sha256(data).hexdigest() == recorded[draft.name], draft.name
    assert set(recorded) <= {d.name for d in drafts}, "a recorded draft is missing"


def _file_size_limit() -> None:  # in the child, before exec
    resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead


def test_file_size_limit_fails_cleanly(tmp_path: Path) -> None:
    """convert under a 200 kB file size limit: one error line naming the draft, exit 1, nothing left."""
    record = _big_record(tmp_path / "src")
    out = tmp_path / "out"
    command = [*CLI, "convert", str(record), "-o", str(out), "-q"]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=60, preexec_fn=_file_size_limit
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {out / BIG_FIGID}.gpml: cannot write: "), lines
    assert "file size limit" in lines[0] or "disk is full" in lines[0]
    assert out.is_dir() and not list(out.iterdir()), "a draft or temporary file was left"


_REPORTS_PAST_THE_LIMIT = """
import sys
from pathlib import Path
from converter.batch import ReportWriter
from converter.batch.ledger import Outcome
from converter.errors import OutputError

reports = ReportWriter(Path(sys.argv[1]), previews=False)
for i in range(300):
    reports.add(Outcome(f"r{i}.md", "converted", f"PMC{i}__f1", title="A long title " * 100))
try:
    reports.finish({"inputs": 300}, "src")
except OutputError as exc:
    print(exc)
reports.close()
"""


def test_reports_that_cannot_be_written_say_so_at_the_end(tmp_path: Path) -> None:
    """Past the file size limit, the rows written as the run goes fail: finish says why in one line, and
    no report and no temporary file is left."""
    out = tmp_path / "out"
    out.mkdir()
    command = [sys.executable, "-c", _REPORTS_PAST_THE_LIMIT, str(out)]
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=60, preexec_fn=_file_size_limit
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"{out}: cannot write the reports: File too large"
    assert not list(out.iterdir())


def test_a_worker_killed_mid_run_fails_only_the_records_it_held(pfocr_dir: Path, tmp_path: Path) -> None:
    """One worker killed (as the out-of-memory killer would): the records then in flight fail with a
    one-line reason, the others are converted by new workers, and nothing is left staged."""
    records = make_corpus(pfocr_dir, tmp_path / "src", 600)
    out = tmp_path / "out"
    others = set(multiprocessing.active_children())
    outcomes = run_batch(records, out, workers=2)
    taken = [next(outcomes)]
    victim = next(iter(set(multiprocessing.active_children()) - others))
    os.kill(victim.pid, signal.SIGKILL)
    taken += list(outcomes)
    failed = [o for o in taken if o.status == "failed"]
    assert len(taken) == 600 and 0 < len(failed) < 600
    died = "a worker process died while converting it (out of memory, or killed); run it again"
    assert all(o.error == f"{o.source}: {died}" for o in failed)
    assert {o.status for o in taken} == {"converted", "failed"} and not _leftovers(out)
    assert len(list(out.glob("*.gpml"))) == 600 - len(failed)


def test_a_stop_is_not_held_by_a_reader_that_stopped_reading(tmp_path: Path) -> None:
    """Nobody reads stderr (a stalled pipe): once its error lines fill the pipe, SIGTERM still stops the
    run."""
    source = tmp_path / "bad"
    source.mkdir()
    for i in range(4000):
        (source / f"PMC{i}__bad.md").write_text("no front matter\n")
    with _started(_batch(source, tmp_path / "out")) as proc:
        deadline = time.monotonic() + 60
        while "pipe_write" not in Path(f"/proc/{proc.pid}/wchan").read_text():  # blocked on the pipe
            assert proc.poll() is None and time.monotonic() < deadline, "the run never filled the pipe"
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(timeout=15) == 143


def test_a_run_started_with_ctrl_c_ignored_keeps_running(pfocr_dir: Path, tmp_path: Path) -> None:
    """A run started with SIGINT ignored (``batch … &`` from a script) is not stopped by a Ctrl-C."""
    records = 400
    source, out = tmp_path / "src", tmp_path / "out"
    make_corpus(pfocr_dir, source, records)

    def ignore_ctrl_c() -> None:  # in the child, before exec: an ignored signal stays ignored
        signal.signal(signal.SIGINT, signal.SIG_IGN)

    with subprocess.Popen(
        _batch(source, out, "--json"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True, preexec_fn=ignore_ctrl_c,
    ) as proc:  # fmt: skip
        _wait_for_drafts(proc, out, 20)
        os.killpg(proc.pid, signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr[-2000:]
    assert json.loads(stdout)["converted"] == records


@pytest.mark.parametrize(("signum", "raised"), [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, None)])
def test_a_stop_waits_until_the_outcome_is_taken_in(signum: int, raised: type[BaseException] | None) -> None:
    """A signal while batch takes in an outcome (counts, reports, progress) is raised once it is done."""
    from converter.cli import batch as command

    expected = raised or command._Terminated
    stops = command._Stops()
    with stops.installed():
        stops.taking()
        os.kill(os.getpid(), signum)  # delivered here, at once: held, not raised
        assert stops.held == signum
        with pytest.raises(expected):
            stops.taken()
        stops.taking()
        os.kill(os.getpid(), signum)  # held
        with pytest.raises(expected):  # a second one is not
            os.kill(os.getpid(), signum)
            time.sleep(1)
        stops.taking_one, stops.held = False, 0
        with pytest.raises(expected):  # and outside an outcome, at once
            os.kill(os.getpid(), signum)
            time.sleep(1)
    assert signal.getsignal(signum) is not stops  # the handlers before it are back


def test_stopping_a_run_leaves_the_callers_own_processes_alone(tmp_path: Path) -> None:
    mine = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    mine.start()
    try:
        outcomes = run_batch(sorted(SAMPLES.glob("PMC*.md")), tmp_path / "out", workers=2)
        assert next(outcomes).status == "converted"
        outcomes.close()  # stops the run's workers
        assert mine.is_alive()
        assert multiprocessing.active_children() == [mine]
    finally:
        mine.kill()
        mine.join()

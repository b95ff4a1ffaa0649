"""Benchmark: `pfocr2gpml validate` beside libxml2's own `xmllint --noout --schema`, on the same GPML files.

Each contender runs as one process over all files, timed wall-clock from process start to exit: xmllint gets
every path on one command line; the validator runs in a fresh Python that does what the ``validate`` command
does (``validate_paths(find_gpml([folder]), rules)``, default workers: one process per CPU) without
printing the findings. Rounds are interleaved, so that a busy moment on a shared machine hits every contender
alike; the best round counts, the median is shown beside it. Prints machine, load, date, seconds and ratios.

Usage:
    python benchmarks/bench_validate.py                       # the live WikiPathways corpus beside the repo
    python benchmarks/bench_validate.py path/to/folder-or.tar.xz --repeat 5

Needs xmllint (Debian/Ubuntu package libxml2-utils).
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib import resources
from pathlib import Path

from machine import describe, load  # benchmarks/machine.py, beside this script

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "wikipathways-gpml-c0aa5fd.tar.xz"

# Runs in the child process as the validate command does, counting findings per severity instead of printing.
CHILD = """
import sys
from pathlib import Path
from converter.gpml import validate_paths
from converter.inputs import find_gpml
folder, rules, workers = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]) or None
errors = warnings = 0
for path, findings in validate_paths(find_gpml([folder]), rules, workers):
    for finding in findings:
        if finding.severity == "error":
            errors += 1
        else:
            warnings += 1
print(errors, warnings)
"""


def gpml_folder(corpus: Path, scratch: Path) -> Path:
    """The corpus folder, or a tar archive unpacked into scratch."""
    if corpus.is_file():
        with tarfile.open(corpus) as archive:
            archive.extractall(scratch, filter="data")
        return scratch
    return corpus


def time_run(command: list[str]) -> tuple[float, str]:
    """Wall-clock seconds of one process, and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3, 4):  # xmllint 3/4: invalid documents, a result and not a crash
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stdout


def machine() -> str:
    """The machine (:func:`machine.describe`) and the xmllint compared with."""
    xmllint = subprocess.run(["xmllint", "--version"], capture_output=True, text=True, check=False)
    return f"{describe()}; {(xmllint.stderr or xmllint.stdout).splitlines()[0]}"


def run_rounds(folder: Path, repeat: int, workers: int) -> tuple[dict[str, list[float]], dict[str, str]]:
    """Seconds per contender per round, and each validator contender's finding counts."""
    files = sorted(map(str, folder.rglob("*.gpml")))
    with resources.as_file(resources.files("converter.schemas").joinpath("GPML2013a.xsd")) as xsd:
        contenders = {"xmllint": ["xmllint", "--noout", "--schema", str(xsd), *files]}
        for rules in ("schema", "all"):
            contenders[f"--rules {rules}"] = [sys.executable, "-c", CHILD, str(folder), rules, str(workers)]
        times: dict[str, list[float]] = {name: [] for name in contenders}
        counts: dict[str, str] = {}
        for _ in range(repeat):  # interleaved, so that a busy moment hits every contender alike
            for name, command in contenders.items():
                seconds, counts[name] = time_run(command)
                times[name].append(seconds)
    return times, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="folder or .tar.xz")
    parser.add_argument("--repeat", type=int, default=5, help="interleaved rounds; the best counts")
    parser.add_argument("--workers", type=int, default=0, help="validator processes (0: as the CLI, per CPU)")
    args = parser.parse_args()
    if shutil.which("xmllint") is None:
        sys.exit("xmllint not found: apt-get install libxml2-utils")
    load_before = load()
    with tempfile.TemporaryDirectory() as scratch:
        folder = gpml_folder(args.corpus, Path(scratch))
        files = list(folder.rglob("*.gpml"))
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        times, counts = run_rounds(folder, args.repeat, args.workers)
    base = min(times["xmllint"])
    workers = args.workers or "default (one per CPU)"
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine   {machine()}")
    print(f"load      {load_before} before, {load()} after (1-minute average)")
    print(f"corpus    {args.corpus}: {len(files)} files, {megabytes:.0f} MB; validator workers: {workers}")
    print(f"rounds    {args.repeat}, interleaved; best (median) wall-clock seconds per process\n")
    for name, runs in times.items():
        found = "" if name == "xmllint" else "  {} errors, {} warnings".format(*counts[name].split())
        best, median = min(runs), statistics.median(runs)
        print(
            f"{name:<16} {best:6.2f} s ({median:5.2f})  {best / base:4.2f} x xmllint "
            f"({median / statistics.median(times['xmllint']):4.2f}){found}"
        )


if __name__ == "__main__":
    main()

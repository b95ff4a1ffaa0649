"""Benchmark: `pfocr2gpml validate` beside libxml2's own `xmllint --noout --schema`, on the same GPML files.

Each contender runs as one process over all files (xmllint gets every path on one command line; the validator
runs in a fresh Python that imports the package and calls ``validate_paths``), timed wall-clock from process
start to exit, best of ``--repeat`` interleaved rounds. Prints files, seconds, ratios, machine and date.

Usage:
    python benchmarks/bench_validate.py                       # the live WikiPathways corpus beside the repo
    python benchmarks/bench_validate.py path/to/folder-or.tar.xz --repeat 5

Needs xmllint (Debian/Ubuntu package libxml2-utils).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "wikipathways-gpml-c0aa5fd.tar.xz"

# Runs in the child process: validate every file named on stdin, count findings per severity.
CHILD = """
import sys
from pathlib import Path
from converter.validate import validate_paths
rules, workers = sys.argv[1], int(sys.argv[2])
errors = warnings = 0
for path, findings in validate_paths(map(Path, sys.stdin.read().splitlines()), rules, workers):
    for finding in findings:
        if finding.severity == "error":
            errors += 1
        else:
            warnings += 1
print(errors, warnings)
"""


def gpml_files(corpus: Path, scratch: Path) -> list[Path]:
    """The .gpml files of a folder, or of a tar archive unpacked into scratch."""
    if corpus.is_file():
        with tarfile.open(corpus) as archive:
            archive.extractall(scratch, filter="data")
        corpus = scratch
    return sorted(corpus.rglob("*.gpml"))


def time_run(command: list[str], stdin: str = "") -> tuple[float, str]:
    """Wall-clock seconds of one process, and its stdout."""
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1, 3, 4):  # xmllint 3/4: invalid documents, a result and not a crash
        sys.exit(f"{command[0]} failed ({done.returncode}): {done.stderr[-500:]}")
    return elapsed, done.stdout


def machine() -> str:
    """CPU model, cores, OS and the library versions that matter here."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from lxml import etree

    xmllint = subprocess.run(["xmllint", "--version"], capture_output=True, text=True, check=False)
    version = (xmllint.stderr or xmllint.stdout).splitlines()[0]
    libxml = ".".join(map(str, etree.LIBXML_VERSION))
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, lxml {etree.__version__} (libxml2 {libxml}); {version}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="folder or .tar.xz")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; the best counts")
    parser.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1), help="validator threads")
    args = parser.parse_args()
    if shutil.which("xmllint") is None:
        sys.exit("xmllint not found: apt-get install libxml2-utils")
    times: dict[str, list[float]] = {}
    counts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        files = gpml_files(args.corpus, Path(scratch))
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        listing = "\n".join(map(str, files))
        with resources.as_file(resources.files("converter.schemas").joinpath("GPML2013a.xsd")) as xsd:
            contenders = {"xmllint": (["xmllint", "--noout", "--schema", str(xsd), *map(str, files)], "")}
            for workers in sorted({1, args.workers}):
                for rules in ("schema", "all"):
                    command = [sys.executable, "-c", CHILD, rules, str(workers)]
                    contenders[f"{rules}, {workers} thread{'s' * (workers > 1)}"] = (command, listing)
            for _ in range(args.repeat):  # interleaved, so that a busy moment hits every contender alike
                for name, (command, stdin) in contenders.items():
                    seconds, counts[name] = time_run(command, stdin)
                    times.setdefault(name, []).append(seconds)
    base = min(times["xmllint"])
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine   {machine()}")
    print(f"corpus    {args.corpus}: {len(files)} files, {megabytes:.0f} MB")
    print(f"rounds    {args.repeat}, interleaved; best (median) wall-clock seconds per process\n")
    for name, runs in times.items():
        found = "" if name == "xmllint" else "  {} errors, {} warnings".format(*counts[name].split())
        ratio = min(runs) / base
        print(
            f"{name:<20} {min(runs):6.2f} s ({statistics.median(runs):5.2f})  {ratio:4.2f} x xmllint{found}"
        )


if __name__ == "__main__":
    main()

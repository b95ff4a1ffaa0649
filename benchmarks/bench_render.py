"""Benchmark: milliseconds per pathway of `render_svg`, on PFOCR drafts and on live WikiPathways pathways.

The drafts are the ones the converter makes from every record of the shared PFOCR corpus; the live pathways
are 200 spread evenly over the sorted WikiPathways corpus (the same 200 every run). Each pathway is drawn
from its parsed tree (as ``pfocr2gpml batch`` does) and from its file (as ``pfocr2gpml render`` does, so
reading and parsing count too); its time is the best of ``--repeat`` rounds, in CPU time (other work on a
shared machine then counts less). Prints mean, median and p95 over the pathways, with machine, load and date.

``--baseline DIR`` also times the renderer of another checkout (for example the committed one, from
``mkdir /tmp/head && git archive HEAD converter | tar -x -C /tmp/head``): its whole converter package, since
the renderer modules change together. The two are interleaved pathway by pathway so that a busy
moment hits both alike, and the script checks that both give the same bytes.

Usage:
    python benchmarks/bench_render.py
    python benchmarks/bench_render.py --baseline /tmp/head --repeat 5
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import importlib.util
import os
import statistics
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from machine import describe  # benchmarks/machine.py, beside this script

from converter.gpml import parse_gpml
from converter.pipeline import convert_record
from converter.render import render_svg

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
DEFAULT_RECORDS = CORPORA / "pfocr" / "_figures"
DEFAULT_LIVE = CORPORA / "wikipathways-gpml-c0aa5fd.tar.xz"
SAMPLE = 200

Render = Callable[[bytes | str | Path | etree._ElementTree], bytes]


def load_render(checkout: Path) -> Render:
    """render_svg of another checkout: its converter package, loaded under another name beside this one."""
    package = checkout / "converter"
    spec = importlib.util.spec_from_file_location(
        "_baseline_converter", package / "__init__.py", submodule_search_locations=[str(package)]
    )
    if spec is None or spec.loader is None:
        sys.exit(f"{checkout}: no converter package in it")
    sys.modules[spec.name] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules[spec.name])
    render: Render = importlib.import_module("_baseline_converter.render").render_svg
    return render


def drafts(records: Path, outdir: Path) -> list[Path]:
    """The drafts the converter writes for every record file in records."""
    made = []
    for record in sorted(records.glob("*.md")):
        made.append(convert_record(record, outdir).output)
    return made


def live_sample(archive: Path, scratch: Path) -> list[Path]:
    """SAMPLE pathways spread evenly over the sorted corpus (a folder or a .tar.xz unpacked into scratch)."""
    if archive.is_file():
        with tarfile.open(archive) as tar:
            tar.extractall(scratch, filter="data")
        archive = scratch
    files = sorted(archive.rglob("*.gpml"))
    return files[:: max(1, len(files) // SAMPLE)][:SAMPLE]


def best_times(
    files: list[Path], renders: dict[str, Render], repeat: int
) -> tuple[dict[str, list[float]], int]:
    """Best seconds per file for each contender and way in (tree or file), and how many files differed."""
    best: dict[str, list[float]] = {}
    differ = 0
    for path in files:
        tree = parse_gpml(path)
        if len({render(tree) for render in renders.values()}) > 1:
            differ += 1
        for way, source in (("tree", tree), ("file", path)):
            rounds: dict[str, list[float]] = {name: [] for name in renders}
            for _ in range(repeat):
                for name, render in renders.items():
                    start = time.process_time()
                    render(source)
                    rounds[name].append(time.process_time() - start)
            for name, seconds in rounds.items():
                best.setdefault(f"{name}, from {way}", []).append(min(seconds))
    return best, differ


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"mean {statistics.mean(ms):6.2f}  median {statistics.median(ms):6.2f}  p95 {p95:6.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=Path, default=DEFAULT_RECORDS, help="folder of PFOCR records")
    parser.add_argument("--live", type=Path, default=DEFAULT_LIVE, help="folder or .tar.xz of GPML files")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per pathway; the best counts")
    parser.add_argument("--baseline", type=Path, help="another checkout, whose renderer to time beside")
    args = parser.parse_args()
    renders: dict[str, Render] = {"render.py": render_svg}
    if args.baseline:
        renders = {"baseline": load_render(args.baseline), **renders}
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine   {describe()}")
    print("load      {:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as scratch:
        sets = {
            f"PFOCR drafts ({args.records})": drafts(args.records, Path(scratch, "drafts")),
            f"live pathways ({args.live})": live_sample(args.live, Path(scratch, "live")),
        }
        for title, files in sets.items():
            best, differ = best_times(files, renders, args.repeat)
            print(f"\n{title}: {len(files)} pathways, best of {args.repeat} rounds each")
            for name, seconds in best.items():
                print(f"  {name:<24} {summary(seconds)}")
            if args.baseline:
                for way in ("tree", "file"):
                    old, new = best[f"baseline, from {way}"], best[f"render.py, from {way}"]
                    print(
                        f"  speed-up from {way}: {statistics.mean(old) / statistics.mean(new):.2f} x (means)"
                    )
                print(f"  identical output: {len(files) - differ} of {len(files)}")
    print("load      {:.2f} {:.2f} {:.2f} (1, 5, 15 min)".format(*os.getloadavg()))


if __name__ == "__main__":
    main()

"""Benchmark `pfocr2gpml batch` on a large corpus made from the real records, beside the floor.

The floor, measured on the same records on one core, just before and just after the batch: parse the
front matter with libyaml's C loader (CSafeLoader), build the same draft trees with lxml, serialise them,
and validate them against the XSD. Besides records/s, the batch's CPU time per record (all its processes)
is compared with the floor's: a ratio that the VM's changing speed and the cores' contention move less.

Usage (from the repository root, the shared corpora beside it):
    python benchmarks/bench_batch.py [--records 100000] [--workdir /dev/shm/pfocr2gpml-bench] [--workers 0]
Prints the figures, and the CPU time of each step of a conversion; writes nothing outside the work
folder (removed at the end unless --keep).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.synthetic import make_corpus  # noqa: E402

PFOCR = REPO.parent / "shared" / "corpora" / "pfocr"
XSD = REPO / "schemas" / "GPML2013a.xsd"


def _tree_memory(pid: int) -> tuple[int, int]:
    """RSS and PSS of a process and its children, in bytes (Linux /proc).

    The RSS sum counts pages the forked workers share with their parent once per process; PSS shares
    them out, so its sum is what the run really holds.
    """
    rss = pss = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().split()
            if entry.name == str(pid) or stat[3] == str(pid):
                rss += int(stat[23]) * os.sysconf("SC_PAGE_SIZE")
                rollup = (entry / "smaps_rollup").read_text()
                pss += 1024 * int(rollup.split("\nPss:", 1)[1].split()[0])
        except (OSError, IndexError):
            continue
    return rss, pss


def run_batch(
    corpus: Path, outdir: Path, workers: int, extra: list[str]
) -> tuple[float, float, tuple[int, int], str]:
    """Wall seconds, CPU seconds of all its processes, peak RSS and PSS of the process tree, and the
    command's summary line."""
    command = [sys.executable, "-m", "converter", "batch", str(corpus), "-o", str(outdir)]
    command += [f"--workers={workers}", *extra]
    peak = (0, 0)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            rss, pss = _tree_memory(process.pid)
            peak = (max(peak[0], rss), max(peak[1], pss))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"batch failed (exit {process.returncode}): {out}")
    return seconds, _children_cpu() - cpu_before, peak, out.strip().splitlines()[-1]


def _children_cpu() -> float:
    """CPU seconds of the waited-for child processes (the batch and, through it, its workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _specs(element: etree._Element) -> list[tuple[int, str, dict[str, str], str | None]]:
    """The tree as a flat list of (depth, tag, attributes, text): what the floor builds again."""
    out = []
    for node in element.iter():
        depth = sum(1 for _ in node.iterancestors())
        out.append((depth, node.tag, dict(node.attrib), node.text if len(node) == 0 else None))
    return out


def floor(records: list[Path], drafts: Path, limit: int) -> float:
    """Records per second, one core: CSafeLoader + lxml build + serialise + XSD validation."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    work = []
    for record in records[:limit]:
        text = record.read_text(encoding="utf-8")
        front = text.split("\n---", 1)[0].split("---\n", 1)[1]
        root = etree.parse(str(drafts / f"{record.stem}.gpml")).getroot()
        work.append((front, _specs(root), root.nsmap))
    started = time.perf_counter()
    for front, specs, nsmap in work:
        yaml.load(front, Loader=yaml.CSafeLoader)
        stack: list[etree._Element] = []
        for depth, tag, attrs, text in specs:
            del stack[depth:]
            if stack:
                node = etree.SubElement(stack[-1], tag, attrs)
            else:
                node = etree.Element(tag, attrs, nsmap=nsmap)
            if text:
                node.text = text
            stack.append(node)
        tree = stack[0].getroottree()
        etree.tostring(tree, encoding="UTF-8", xml_declaration=True)
        schema.assertValid(tree)
    return len(work) / (time.perf_counter() - started)


def stages(records: list[Path], limit: int) -> dict[str, float]:
    """Milliseconds per record of each step of a conversion, one record after the other as in a worker.

    One core; each step's figure is the least of three passes over the records.
    """
    from converter.draft import DraftOptions, build_pathway
    from converter.files import write_atomic
    from converter.gpml import parse_gpml, to_gpml, validate_tree
    from converter.mapping import map_record
    from converter.records import read_record
    from converter.render import render_svg

    scratch = records[0].parent.parent / "stages"
    (scratch / "previews").mkdir(parents=True, exist_ok=True)
    options, clock = DraftOptions(), time.perf_counter
    names = ["read record + tables", "map", "build", "serialise", "parse", "validate (schema + rules)"]
    names += ["preview", "write both"]
    best = dict.fromkeys(names, float("inf"))
    for _ in range(3):
        spent = dict.fromkeys(names, 0.0)
        for path in records[:limit]:
            marks = [clock()]  # the clock after each step, in the order of names
            record = read_record(path)
            marks.append(clock())
            mapping = map_record(record)
            marks.append(clock())
            pathway = build_pathway(record, mapping, options)
            marks.append(clock())
            data = to_gpml(pathway)
            marks.append(clock())
            tree = parse_gpml(data)
            marks.append(clock())
            validate_tree(tree, "all", record.figid, raw=data)
            marks.append(clock())
            svg = render_svg(tree)
            marks.append(clock())
            write_atomic(scratch / f"{record.figid}.gpml", data)
            write_atomic(scratch / "previews" / f"{record.figid}.svg", svg)
            marks.append(clock())
            for name, (start, end) in zip(names, itertools.pairwise(marks), strict=True):
                spent[name] += end - start
        best = {name: min(best[name], spent[name]) for name in names}
    shutil.rmtree(scratch, ignore_errors=True)
    return {name: 1000 * seconds / min(limit, len(records)) for name, seconds in best.items()}


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/dev/shm/pfocr2gpml-bench"))
    parser.add_argument("--workers", type=int, default=0, help="0: one per core")
    parser.add_argument("--floor-records", type=int, default=5000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("batch_options", nargs="*", help="extra options for batch, after --")
    args = parser.parse_args()
    if not PFOCR.is_dir():
        raise SystemExit(f"the shared PFOCR corpus is needed: {PFOCR}")
    shutil.rmtree(args.workdir, ignore_errors=True)
    corpus, outdir = args.workdir / "corpus", args.workdir / "out"
    records = make_corpus(PFOCR, corpus, args.records)
    cores = args.workers or os.cpu_count() or 1
    floor_records = min(args.floor_records, args.records)
    # The VM's speed drifts by up to 2x within an hour: the floor is measured just before and just after
    # the batch (on drafts of the same records, made for it first), and the ratio uses their mean.
    reference = args.workdir / "reference"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "converter",
            "convert",
            *map(str, records[:floor_records]),
            "-o",
            str(reference),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    floor_before = floor(records, reference, floor_records)
    seconds, cpu, peak, summary = run_batch(corpus, outdir, args.workers, args.batch_options)
    floor_after = floor(records, reference, floor_records)
    floor_rate = (floor_before + floor_after) / 2
    rate = args.records / seconds
    steps = stages(records, floor_records)
    machine = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; work folder: {args.workdir}")
    print(f"batch: {args.records} records in {seconds:.1f} s = {rate:.0f} records/s with {cores} workers")
    print(f"batch summary: {summary}")
    cpu_ms = 1000 * cpu / args.records
    print(f"batch CPU (all processes): {cpu_ms:.2f} ms per record")
    print(f"peak RSS (all processes): {peak[0] / 2**20:.0f} MB; peak PSS: {peak[1] / 2**20:.0f} MB")
    print(
        "floor (CSafeLoader + lxml build + serialise + XSD, 1 core):"
        f" {floor_before:.0f} records/s before the batch, {floor_after:.0f} after, mean {floor_rate:.0f}"
    )
    print(f"ratio: batch / (floor x {cores} cores) = {rate / (floor_rate * cores):.2f}")
    print(f"ratio of CPU: floor / batch, per record = {1000 / floor_rate / cpu_ms:.2f}")
    total, floor_ms = sum(steps.values()), 1000 / floor_rate
    print(f"one core, CPU ms per record by step (sum {total:.2f}; the floor takes {floor_ms:.2f}):")
    for name, ms in steps.items():
        print(f"  {name:28s} {ms:6.3f}")
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

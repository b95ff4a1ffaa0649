"""Benchmark `pfocr2gpml batch` on a large corpus made from the real records, as a ratio to the floor.

The floor is ``../shared/bench/floor.py`` (see its README): per record, libyaml's C loader on the front
matter, then lxml parsing, serialising and XSD-validating the draft, on one core, everything in memory. It is
measured just before and just after the batch (this VM drifts) on drafts of the same records, and the ratio
is ``batch records/s / (floor records/s x workers)``. Besides, CPU is divided by CPU: the floor's CPU per
record (from two runs of floor.py of different lengths, so its set-up cancels out) over the batch's (all its
processes), which contention between the cores moves less. Last, the CPU time of each step of a conversion,
one record after the other in this process, as a worker does them.

Usage (from the repository root, the shared corpora beside it):
    python benchmarks/bench_batch.py [--records 100000] [--workdir /dev/shm/pfocr2gpml-bench] [--workers 0]
                                     [-- --no-previews]
Writes nothing outside the work folder (removed at the end unless --keep).
"""

from __future__ import annotations

import argparse
import itertools
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import describe  # noqa: E402  (benchmarks/machine.py, beside this script)

from tests.synthetic import make_corpus  # noqa: E402

SHARED = REPO.parent / "shared"
PFOCR = SHARED / "corpora" / "pfocr"
FLOOR = SHARED / "bench" / "floor.py"
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


def floor(corpus: Path, drafts: Path, records: int) -> tuple[float, float]:
    """floor.py's records/s (wall, its timed loop) and its CPU ms per record (the difference of two runs)."""

    def run(count: int) -> tuple[float, float]:
        before = _children_cpu()
        done = subprocess.run(
            [sys.executable, str(FLOOR), str(XSD), str(corpus / "_figures"), str(drafts), str(count)],
            capture_output=True,
            text=True,
            check=True,
        )
        return float(done.stdout.strip()), _children_cpu() - before

    rate, cpu_short = run(records)
    _, cpu_long = run(3 * records)
    return rate, 1000 * (cpu_long - cpu_short) / (2 * records)


def stages(records: list[Path], limit: int) -> dict[str, float]:
    """CPU milliseconds per record of each step of a conversion, one record after the other as in a worker.

    One core; each step's figure is the least of three passes over the records.
    """
    from converter.draft import DraftOptions, build_pathway
    from converter.files import stage
    from converter.gpml import to_gpml
    from converter.gpml.model_scan import check_pathway
    from converter.mapping import map_record
    from converter.records import read_record
    from converter.render import render_pathway

    scratch = records[0].parent.parent / "stages"
    (scratch / "previews").mkdir(parents=True, exist_ok=True)
    options, clock = DraftOptions(), time.process_time
    names = ["read record + tables", "map", "build", "rules on the model", "serialise", "preview"]
    names += ["write both"]
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
            check_pathway(pathway, record.figid)
            marks.append(clock())
            data = to_gpml(pathway)
            marks.append(clock())
            svg = render_pathway(pathway)
            marks.append(clock())
            os.unlink(stage(scratch / f"{record.figid}.gpml", data))
            os.unlink(stage(scratch / "previews" / f"{record.figid}.svg", svg))
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
    floor_before, floor_cpu_before = floor(corpus, reference, floor_records)
    seconds, cpu, peak, summary = run_batch(corpus, outdir, args.workers, args.batch_options)
    floor_after, floor_cpu_after = floor(corpus, reference, floor_records)
    floor_rate, floor_cpu = (floor_before + floor_after) / 2, (floor_cpu_before + floor_cpu_after) / 2
    rate = args.records / seconds
    steps = stages(records, floor_records)
    print(f"machine: {describe()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; work folder: {args.workdir}")
    options = " ".join(args.batch_options)
    print(
        f"batch {options}: {args.records} records in {seconds:.1f} s = {rate:.0f} records/s, {cores} workers"
    )
    print(f"batch summary: {summary}")
    cpu_ms = 1000 * cpu / args.records
    print(f"batch CPU (all processes): {cpu_ms:.2f} ms per record")
    print(f"peak RSS (all processes): {peak[0] / 2**20:.0f} MB; peak PSS: {peak[1] / 2**20:.0f} MB")
    print(f"floor.py: {floor_before:.0f} records/s before, {floor_after:.0f} after, mean {floor_rate:.0f}")
    print(f"floor.py CPU: {floor_cpu_before:.2f} ms per record before, {floor_cpu_after:.2f} after")
    print(f"ratio: batch / (floor.py x {cores} workers) = {rate / (floor_rate * cores):.2f}")
    print(f"ratio of CPU: floor.py CPU / batch CPU, per record = {floor_cpu / cpu_ms:.2f}")
    total = sum(steps.values())
    print(f"one core, CPU ms per record by step (sum {total:.2f}; floor.py takes {floor_cpu:.2f}):")
    for name, ms in steps.items():
        print(f"  {name:28s} {ms:6.3f}")
    if not args.keep:
        shutil.rmtree(args.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Count the instructions each step of a conversion takes per record, under valgrind's callgrind.

Time on the development VM drifts by up to 2x within an hour, more than most changes move a step; the
instructions a step executes repeat from run to run (hash seed fixed, every lazy load done before counting),
so a change to one step can be judged in one run, against the code before it (``--before``). Instructions
are not time (cache misses and branches are not in them): a change that saves many is then confirmed with
``bench_batch_ab.py``.

For each step, a child Python reads the 72 records of the shared corpus, converts them all once (loading
what is loaded on first use), prepares each step's inputs, then runs that step over every record
``--repeat`` times; a child that runs no step gives what the rest costs. A step's figure is the difference,
per record. ``worker`` is what a batch worker does for one record (``_convert_one``: all steps, the hashes,
the outcome) and ``report`` what the main process does with that outcome (its three report rows).

Usage (from the repository root, the shared corpora beside it; needs valgrind: apt-get install valgrind):
    python benchmarks/bench_instructions.py [--before CHECKOUT] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from machine import describe  # benchmarks/machine.py, beside this script

REPO = Path(__file__).resolve().parents[1]
FIGURES = REPO.parent / "shared" / "corpora" / "pfocr" / "_figures"
STEPS = ("read", "map", "build", "rules", "serialise", "preview", "write", "worker", "report")

# Run with PYTHONPATH set to a checkout: argv is the step ("none" for the rest alone), the records' folder,
# a scratch folder and the number of passes.
_CHILD = """
import os, sys
from pathlib import Path
from converter.batch import reports, run
from converter.draft import DraftOptions, build_pathway
from converter.files import stage
from converter.gpml import to_gpml
from converter.gpml.model_scan import check_pathway
from converter.mapping import map_record
from converter.pipeline import ConvertOptions
from converter.records import read_record
from converter.render import render_pathway

step, figures, scratch, passes = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
paths = sorted(figures.glob("*.md"))
options = ConvertOptions(draft=DraftOptions(last_modified="20260101000000"))
(scratch / "previews").mkdir(parents=True, exist_ok=True)
run._init_worker(scratch, options, b"fingerprint", True, False)
writer = reports.ReportWriter(scratch, True)


def worker():
    done = [run._convert_one(str(path)) for path in paths]
    for one in done:
        for tmp, _ in one.staged:
            os.unlink(tmp)
    return [one.outcome for one in done]


records = [read_record(path) for path in paths]
mappings = [map_record(record) for record in records]
pathways = [build_pathway(r, m, options.draft) for r, m in zip(records, mappings)]
drafts = [to_gpml(pathway) for pathway in pathways]
svgs = [render_pathway(pathway) for pathway in pathways]
outcomes = worker()
for outcome in outcomes:
    writer.add(outcome)


def write():
    for data, svg in zip(drafts, svgs):
        os.unlink(stage(scratch / "draft.gpml", data))
        os.unlink(stage(scratch / "previews" / "draft.svg", svg))


work = {
    "none": lambda: None,
    "read": lambda: [read_record(path) for path in paths],
    "map": lambda: [map_record(record) for record in records],
    "build": lambda: [build_pathway(r, m, options.draft) for r, m in zip(records, mappings)],
    "rules": lambda: [check_pathway(p, r.figid) for p, r in zip(pathways, records)],
    "serialise": lambda: [to_gpml(pathway) for pathway in pathways],
    "preview": lambda: [render_pathway(pathway) for pathway in pathways],
    "write": write,
    "worker": worker,
    "report": lambda: [writer.add(outcome) for outcome in outcomes],
}[step]
for _ in range(passes):
    work()
writer.close()
"""


def instructions(checkout: Path, step: str, passes: int) -> int:
    """Instructions that a child running ``step`` ``passes`` times executes, start-up included."""
    with tempfile.TemporaryDirectory(prefix="pfocr2gpml-ir-") as scratch:
        out = Path(scratch) / "callgrind.out"
        env = dict(os.environ, PYTHONPATH=str(checkout), PYTHONHASHSEED="0")
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiling every module again under valgrind is slow
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-c",
            _CHILD,
        ]
        command += [step, str(FIGURES), str(Path(scratch) / "out"), str(passes)]
        done = subprocess.run(command, env=env, cwd=checkout, capture_output=True, text=True)
        found = re.search(r"Collected : (\d+)", done.stderr)
        if done.returncode != 0 or found is None:
            raise SystemExit(f"{step} in {checkout} failed (exit {done.returncode}): {done.stderr[-800:]}")
        return int(found.group(1))


def per_record(checkout: Path, passes: int) -> dict[str, float]:
    """Each step's instructions per record, in thousands (the children run side by side: one per CPU, as
    sharing the CPUs changes the time they take, not the instructions they count)."""
    records = len(list(FIGURES.glob("*.md")))
    # Every child then reads the same compiled bytecode (a child that compiled what another read would
    # count the compiling): where it cannot be written, each child compiles it all alike.
    compiled = [sys.executable, "-m", "compileall", "-q", str(checkout / "converter")]
    subprocess.run(compiled, cwd=checkout, capture_output=True, check=False)
    names = ("none", *STEPS)
    with ThreadPoolExecutor(os.cpu_count()) as pool:
        counts = dict(
            zip(names, pool.map(lambda step: instructions(checkout, step, passes), names), strict=True)
        )
    rest = counts.pop("none")
    return {step: (count - rest) / (records * passes) / 1000 for step, count in counts.items()}


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--before", type=Path, help="a checkout (or just its converter/) to compare with")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the records per step")
    args = parser.parse_args()
    if not FIGURES.is_dir():
        raise SystemExit(f"the shared PFOCR corpus is needed: {FIGURES}")
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is needed: apt-get install valgrind")
    print(f"machine: {describe()}")
    print(f"thousands of instructions per record, {len(list(FIGURES.glob('*.md')))} records x {args.repeat}")
    after = per_record(REPO, args.repeat)
    if args.before is None:
        for step, count in after.items():
            print(f"{step:10} {count:8.0f}")
        return
    before = per_record(args.before.resolve(), args.repeat)
    print(f"{'step':10} {'before':>8} {'after':>8} {'change':>7}")
    for step in STEPS:
        change = after[step] / before[step] - 1 if before[step] else 0.0
        print(f"{step:10} {before[step]:8.0f} {after[step]:8.0f} {change:+7.1%}")


if __name__ == "__main__":
    main()

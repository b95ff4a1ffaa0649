"""Benchmark a change to `pfocr2gpml batch` against the code before it, in alternation on one corpus.

This VM's speed drifts by up to 2x within an hour, more than most changes move the batch, so rates taken at
different times cannot tell a change's effect. Here the batch of this checkout and the batch of another one
(``BEFORE``, for example ``mkdir /tmp/before && git archive HEAD~1 converter | tar -x -C /tmp/before``) run
one after the other, ``--pairs`` times, each starting first in turn, on the same records (made from the
shared corpus) and into an empty folder, with the same options and SOURCE_DATE_EPOCH. Each run prints its
wall time and the CPU seconds of its main process and of the processes it waited for (its workers, and any
other process it forks); the end prints the means.

Usage (from the repository root, the shared corpora beside it):
    python benchmarks/bench_batch_ab.py BEFORE [--records 20000] [--pairs 3] [--workdir DIR] [-- OPTIONS]
Writes nothing outside the work folder (removed at the end).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from machine import describe  # noqa: E402  (benchmarks/machine.py, beside this script)

from tests.synthetic import make_corpus  # noqa: E402

PFOCR = REPO.parent / "shared" / "corpora" / "pfocr"
# Runs the command in the checkout on PYTHONPATH and prints, last on stderr, the CPU of this process and of
# the processes it waited for (its workers).
_MEASURED = """
import atexit, resource, sys
def said():
    own, waited = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"cpu {own.ru_utime + own.ru_stime:.3f} {waited.ru_utime + waited.ru_stime:.3f}", file=sys.stderr)
atexit.register(said)
sys.argv = ["pfocr2gpml", *sys.argv[1:]]
from converter.cli import main
main()
"""


def run(checkout: Path, corpus: Path, out: Path, options: list[str]) -> tuple[float, float, float]:
    """Wall seconds, main-process CPU seconds and workers' CPU seconds of one batch."""
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(checkout), SOURCE_DATE_EPOCH="1764547200")
    command = [sys.executable, "-c", _MEASURED, "batch", str(corpus), "-o", str(out), *options]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=checkout, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""
    if done.returncode != 0 or not last.startswith("cpu "):
        raise SystemExit(f"batch of {checkout} failed (exit {done.returncode}): {done.stderr[-800:]}")
    own, waited = map(float, last.split()[1:])
    return seconds, own, waited


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("before", type=Path, help="a checkout (or just its converter/) of the code before")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/dev/shm/pfocr2gpml-ab"))
    parser.add_argument("options", nargs="*", help="batch options for both, after --")
    args = parser.parse_args()
    if not PFOCR.is_dir():
        raise SystemExit(f"the shared PFOCR corpus is needed: {PFOCR}")
    if not (args.before / "converter").is_dir():
        raise SystemExit(f"{args.before}: no converter/ package in it")
    shutil.rmtree(args.workdir, ignore_errors=True)
    corpus = args.workdir / "corpus"
    make_corpus(PFOCR, corpus, args.records)
    checkouts = {"after": REPO, "before": args.before.resolve()}
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in checkouts}
    print(f"machine: {describe()}")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"date: {when}; {args.records} records; batch options: {' '.join(args.options) or 'none'}")
    for pair in range(args.pairs):
        order = list(checkouts) if pair % 2 == 0 else list(checkouts)[::-1]
        for name in order:
            seconds, own, waited = run(checkouts[name], corpus, args.workdir / "out", args.options)
            runs[name].append((seconds, own, waited))
            print(f"{name:6s} wall {seconds:6.1f} s   main CPU {own:6.2f} s   workers' CPU {waited:6.2f} s")
    for name, measured in runs.items():
        wall, own, waited = (statistics.mean(column) for column in zip(*measured, strict=True))
        print(f"{name:6s} mean: wall {wall:.1f} s, main CPU {own:.2f} s, workers' CPU {waited:.2f} s")
    shutil.rmtree(args.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

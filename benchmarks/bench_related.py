"""Benchmark: `pfocr2gpml related`: indexing the live WikiPathways pathways, cold and cached, and ranking
1,000 drafts against them.

The drafts are the shared PFOCR corpus's records converted with ``convert_record`` (default options), copied
under new names until there are ``--drafts`` of them. Each measurement runs in a fresh Python process (so
the gene tables are loaded as a user's first run loads them), rounds interleaved; the best round counts, the
median is shown beside it:

- **cold**: ``load_index(PATH)`` with an empty data folder: every GPML file read, the cache written;
  with the default workers (one process per CPU) and with one.
- **cached**: ``load_index(PATH)`` again: the files listed and their sizes and times compared, the cache read.
- **rank**: with the index loaded, each draft read (``read_gene_set``) and ranked (``rank_gene_set``, top 5);
  and the ranking alone, over gene sets read before.
- **command**: ``pfocr2gpml related DRAFTS --wikipathways PATH --format json`` end to end, index cached.

Usage:
    python benchmarks/bench_related.py                      # the corpora beside the repository
    python benchmarks/bench_related.py --repeat 5 --drafts 1000
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from machine import describe, load  # benchmarks/machine.py, beside this script

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
DEFAULT_CORPUS = SHARED / "wikipathways-gpml-c0aa5fd.tar.xz"
DEFAULT_RECORDS = SHARED / "pfocr"

# Each child prints one line: seconds (and counts) of what it measured.
INDEX = """
import sys, time
from pathlib import Path
from converter.related import load_index
start = time.perf_counter()
index = load_index(Path(sys.argv[1]), workers=int(sys.argv[2]) or None)
print(time.perf_counter() - start, len(index), int(index.cached))
"""
RANK = """
import sys, time
from pathlib import Path
from converter.related import load_index, rank_gene_set, read_gene_set
index = load_index(Path(sys.argv[1]))
drafts = sorted(Path(sys.argv[2]).glob("*.gpml"))
start = time.perf_counter()
sets = [read_gene_set(path) for path in drafts]
rankings = [rank_gene_set(draft, index) for draft in sets]
both = time.perf_counter() - start
start = time.perf_counter()
for draft in sets:
    rank_gene_set(draft, index)
alone = time.perf_counter() - start
print(both, alone, len(drafts), sum(bool(r.matches) for r in rankings))
"""


def unpack(corpus: Path, scratch: Path) -> Path:
    """The corpus folder, or a tar archive unpacked into scratch."""
    if corpus.is_file():
        with tarfile.open(corpus) as archive:
            archive.extractall(scratch, filter="data")
        return scratch
    return corpus


def make_drafts(records: Path, scratch: Path, count: int) -> Path:
    """``count`` drafts in one folder: the corpus records converted, copied under new names."""
    from converter.pipeline import ConvertOptions, convert_record

    converted = scratch / "converted"
    outputs = []
    for path in sorted(records.glob("_figures/*.md")) + sorted(records.glob("legacy/*.md")):
        outputs.append(convert_record(path, converted / path.parent.name, ConvertOptions()).output)
    folder = scratch / "drafts"
    folder.mkdir()
    for number, source in enumerate(islice(cycle(outputs), count)):
        shutil.copyfile(source, folder / f"{number:04d}-{source.name}")
    return folder


def child(code: str, *args: str, data: Path) -> list[str]:
    """Run a measuring child with ``data`` as its data folder; its one line of output, split."""
    env = {**os.environ, "PFOCR2GPML_DATA": str(data)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, check=False
    )
    if done.returncode:
        sys.exit(f"child failed ({done.returncode}): {done.stderr[-800:]}")
    return done.stdout.split()


def command(folder: Path, drafts: Path, data: Path) -> float:
    """Wall-clock seconds of the related command, start-up included, output discarded."""
    env = {**os.environ, "PFOCR2GPML_DATA": str(data)}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "converter", "related", str(drafts), "--wikipathways", str(folder),
         "--format", "json"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env, check=False,
    )  # fmt: skip
    if done.returncode:
        sys.exit(f"related failed ({done.returncode}): {done.stderr[-800:]}")
    return time.perf_counter() - start


def rounds(folder: Path, drafts: Path, scratch: Path, repeat: int) -> tuple[dict[str, list[float]], str]:
    """Seconds per measurement per round, and what the ranking found."""
    times: dict[str, list[float]] = {}
    found = ""
    for number in range(repeat):
        data = scratch / f"data-{number}"
        for workers in ("0", "1"):
            fresh = scratch / f"data-{number}-{workers}"
            seconds, pathways, cached = child(INDEX, str(folder), workers, data=fresh)
            assert cached == "0" and pathways, "a cold index came from a cache"
            times.setdefault(f"cold, workers {'per CPU' if workers == '0' else 1}", []).append(float(seconds))
        child(INDEX, str(folder), "0", data=data)  # fill this round's cache
        seconds, pathways, cached = child(INDEX, str(folder), "0", data=data)
        assert cached == "1", "the second load did not come from the cache"
        times.setdefault("cached", []).append(float(seconds))
        both, alone, count, ranked = child(RANK, str(folder), str(drafts), data=data)
        times.setdefault(f"read + rank {count} drafts", []).append(float(both))
        times.setdefault(f"rank {count} drafts (read before)", []).append(float(alone))
        times.setdefault(f"command, {count} drafts", []).append(command(folder, drafts, data))
        found = f"{pathways} pathways; {ranked} of {count} drafts have a related pathway"
    return times, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="folder or .tar.xz")
    parser.add_argument("--records", type=Path, default=DEFAULT_RECORDS, help="a pfocr-database checkout")
    parser.add_argument("--drafts", type=int, default=1000, help="drafts to rank")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds; the best counts")
    args = parser.parse_args()
    load_before = load()
    with tempfile.TemporaryDirectory() as name:
        scratch = Path(name)
        folder = unpack(args.corpus, scratch / "wikipathways")
        drafts = make_drafts(args.records, scratch, args.drafts)
        files = len(list(folder.rglob("*.gpml")))
        times, found = rounds(folder, drafts, scratch, args.repeat)
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    print(f"machine   {describe()}")
    print(f"load      {load_before} before, {load()} after (1-minute average)")
    print(f"corpus    {args.corpus}: {files} GPML files; {found}")
    print(f"rounds    {args.repeat}, interleaved; best (median) wall-clock seconds\n")
    for label, runs in times.items():
        print(f"{label:<32} {min(runs):7.3f} s ({statistics.median(runs):7.3f})")


if __name__ == "__main__":
    main()

"""Benchmark: how well a figure's keywords alone find its fly and zebrafish genes, with NCBI gene_info tables.

The shared corpus's gene_info files are imported into a temporary data folder. Then, for every figure of the
shared PFOCR corpus whose genes table has rows of an organism (default: fly and zebrafish), the record is
mapped without its tables (the keywords route of ``map_record``, as for a record alone), and the NCBI Gene
ids found are compared with the ids of PFOCR's table rows for that organism, each id counted once per
figure: precision = ids found that the table has / ids found; recall = table ids found / table ids.

PFOCR's keywords list the symbols of every organism matched, so a fly figure's keywords hold human and mouse
symbols too. For comparison the same is measured without the cross-organism rule (an alias is then taken
even when the word is an official human, mouse or rat symbol): the naive symbol-then-unique-alias lookup.

Usage:
    python benchmarks/gene_info_accuracy.py [--details] [--gene-info DIR] [--pfocr DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from machine import cpu_model  # benchmarks/machine.py, beside this script

from converter import gene_info, genes
from converter.defaults import DATA_ENV
from converter.mapping import map_record
from converter.records import FigureRecord, read_record

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
ORGANISMS = ("Drosophila melanogaster", "Danio rerio")


@dataclass
class Score:
    """Ids found, ids in the tables, and ids both; over the figures of one organism."""

    found: int = 0
    truth: int = 0
    right: int = 0

    def add(self, found: set[str], truth: set[str]) -> None:
        self.found += len(found)
        self.truth += len(truth)
        self.right += len(found & truth)

    def line(self) -> str:
        precision = self.right / self.found if self.found else 0.0
        recall = self.right / self.truth if self.truth else 0.0
        return f"{self.found:6} {self.right:6}   P {precision:.3f}   R {recall:.3f}"


def with_the_rule(record: FigureRecord, organism: str) -> set[str]:
    """The Entrez Gene ids ``map_record`` finds from the keywords alone."""
    mapping = map_record(replace(record, genes=None, chemicals=None, diseases=None), organism)
    return {t.xref.id for t in mapping.genes if t.xref is not None and t.xref.database == "Entrez Gene"}


def naive(record: FigureRecord, index: genes.GeneIndex) -> set[str]:
    """The ids a symbol-then-unique-alias lookup finds, without the cross-organism rule."""
    found = genes.resolve_keywords(record.keywords, index)
    return {r.gene.entrez for r in found if r.gene is not None}


def measure(pfocr: Path, organism: str, details: bool) -> tuple[int, Score, Score]:
    taxon, table = gene_info.taxon_of(organism), gene_info.stored_tables()[organism]
    assert taxon is not None
    unguarded = genes.GeneIndex(organism, gene_info.read_table(table), taxon.case)
    figures, ruled, plain = 0, Score(), Score()
    for path in sorted((pfocr / "_figures").glob("*.md")):
        record = read_record(path)
        truth = {row.entrez for row in record.genes or () if row.organism == organism and row.entrez}
        if not truth:
            continue
        figures += 1
        found = with_the_rule(record, organism)
        ruled.add(found, truth)
        plain.add(naive(record, unguarded), truth)
        if details and found != truth:
            print(f"  {record.figid}: wrong {sorted(found - truth)}, missed {sorted(truth - found)}")
    return figures, ruled, plain


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gene-info", type=Path, default=CORPORA / "ncbi-gene-info")
    parser.add_argument("--pfocr", type=Path, default=CORPORA / "pfocr")
    parser.add_argument("--details", action="store_true", help="List each figure's wrong and missed ids.")
    args = parser.parse_args()
    files = sorted(args.gene_info.glob("*.gene_info*"))
    if not files or not (args.pfocr / "_figures").is_dir():
        sys.exit(f"no gene_info files in {args.gene_info} or no _figures/ in {args.pfocr}")
    now = datetime.datetime.now(datetime.timezone.utc)
    print(f"{now:%Y-%m-%d %H:%M} UTC; {platform.node()}: {cpu_model()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")  # fmt: skip
    with tempfile.TemporaryDirectory() as data:
        os.environ[DATA_ENV] = data
        for path in files:
            start = time.perf_counter()
            table = gene_info.import_gene_info(path)
            took = time.perf_counter() - start
            what = f"{table.organism}, {table.genes:,} genes, newest {table.modified}"
            print(f"imported {table.source}: {what}, in {took:.2f} s")
        print(f"{'organism':26} figures  table ids   found  right")
        for organism in ORGANISMS:
            figures, ruled, plain = measure(args.pfocr, organism, args.details)
            print(f"{organism:26} {figures:7} {ruled.truth:10} {ruled.line()}")
            print(f"{'  without the rule':26} {'':7} {'':10} {plain.line()}")


if __name__ == "__main__":
    main()

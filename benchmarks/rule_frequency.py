"""How often each validator rule fires across a set of GPML files (by default the 2,095 live WikiPathways).

Prints a Markdown table for docs/rules.md: per rule, its severity, how many pathways it fires on and how
many findings it gives; then, per rule, the commonest causes (which database, which kind of element), so
that curators see what real pathways get wrong.

Usage:
    python benchmarks/rule_frequency.py                     # the live corpus beside the repository
    python benchmarks/rule_frequency.py path/to/folder-or.tar.xz
"""

from __future__ import annotations

import argparse
import re
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from converter.gpml import RULES, Finding, validate_paths

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "wikipathways-gpml-c0aa5fd.tar.xz"


def cause(finding: Finding) -> str:
    """A short label for what a finding is about: the database for xref rules, else the message's shape."""
    if finding.rule == "xref-database":
        found = re.search(r"database ('[^']*')", finding.message)
        return f"database {found.group(1)}" if found else "ID without database"
    if finding.rule == "xref-id-pattern":
        found = re.search(r"not a valid (.+) ID|names (.+) but gives no ID", finding.message)
        if found:
            return f"{found.group(1)} ID" if found.group(1) else f"{found.group(2)} without ID"
    shape = re.sub(r"'[^']*'", "…", finding.message)  # drop labels and ids
    return re.sub(r"\d+(\.\d+)?", "N", shape)[:80]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS, help="folder or .tar.xz")
    parser.add_argument("--top", type=int, default=5, help="commonest causes to list per rule")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        corpus = args.corpus
        if corpus.is_file():
            with tarfile.open(corpus) as archive:
                archive.extractall(scratch, filter="data")
            corpus = Path(scratch)
        files = sorted(corpus.rglob("*.gpml"))
        pathways: Counter[str] = Counter()
        findings: Counter[str] = Counter()
        causes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        clean = 0
        for _, found in validate_paths(files, "all"):
            clean += not found
            for rule_id in {f.rule for f in found}:
                pathways[rule_id] += 1
            for finding in found:
                findings[finding.rule] += 1
                causes[finding.rule][cause(finding)] += 1
    total = len(files)
    print(f"{total} pathways checked with --rules all; {clean} without any finding.\n")
    print("| rule | severity | pathways | share | findings |")
    print("|---|---|---:|---:|---:|")
    for rule_id, rule in RULES.items():
        share = 100 * pathways[rule_id] / total if total else 0
        print(f"| `{rule_id}` | {rule.severity} | {pathways[rule_id]} | {share:.1f}% | {findings[rule_id]} |")
    print()
    for rule_id in RULES:
        if causes[rule_id]:
            top = "; ".join(f"{label} ({count})" for label, count in causes[rule_id].most_common(args.top))
            print(f"- `{rule_id}`: {top}")


if __name__ == "__main__":
    main()

"""Build a large pfocr-database-shaped corpus from the real records: new figids, the same content mix.

Used by the batch tests (a few thousand records) and by ``benchmarks/bench_batch.py`` (100,000).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["make_corpus"]

_FIGID_LINE = re.compile(r"^figid: .*$", re.MULTILINE)


def make_corpus(source: Path, target: Path, count: int) -> list[Path]:
    """Write ``count`` records under ``target/_figures`` (tables hard-linked under ``target/_data``).

    Record ``i`` is real record ``i % n`` with figid ``<figid>-s<i>``; returns the record paths.
    """
    records = sorted((source / "_figures").glob("*.md"))
    tables = {p.name: p for p in (source / "_data").glob("*.tsv")}
    texts = [path.read_text(encoding="utf-8") for path in records]
    (target / "_figures").mkdir(parents=True, exist_ok=True)
    (target / "_data").mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        original = records[i % len(records)]
        figid = f"{original.stem}-s{i}"
        text = _FIGID_LINE.sub(f"figid: {figid}", texts[i % len(records)], count=1)
        path = target / "_figures" / f"{figid}.md"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        for kind in ("genes", "chemicals", "diseases"):
            table = tables.get(f"{original.stem}-{kind}.tsv")
            if table is not None:
                link = target / "_data" / f"{figid}-{kind}.tsv"
                try:
                    os.link(table, link)
                except OSError:  # another file system, or no hard links: copy
                    link.write_bytes(table.read_bytes())
    return written

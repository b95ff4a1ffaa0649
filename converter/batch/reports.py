"""A batch's reports, read from its ledger: ``report.json``, ``report.tsv`` and the page ``index.html``.

Every report lists the latest run's figures in source order, streamed from the ledger (flat memory at any
size). :func:`write_reports` writes all three, the page in a forked process where there is fork: after a
batch the other core has nothing left to do.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from .. import __version__
from ..defaults import PREVIEWS
from ..files import open_atomic
from . import ledger
from .page import write_html_report

__all__ = [
    "REPORT_JSON",
    "REPORT_TSV",
    "TSV_COLUMNS",
    "LedgerFigures",
    "report_figures",
    "report_header",
    "write_json_and_tsv",
    "write_reports",
]

REPORT_JSON = "report.json"
REPORT_TSV = "report.tsv"
TSV_COLUMNS = (
    "figid",
    "status",
    "organism",
    "genes",
    "chemicals",
    "diseases",
    "mapped",
    "unmapped",
    "validation",
    "warnings",
    "literature",
    "output",
    "error",
    "source",
    "unmapped_terms",
    "warning_texts",
    "best_share",
    "best_p_value",
    "related",
)


class LedgerFigures:
    """The latest run's figures as report entries, read anew from the ledger each time it is iterated.

    The HTML report reads its figures twice (counts, then rows); this lets it without holding them.
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return report_figures(self.outdir)


def report_figures(outdir: Path) -> Iterator[dict[str, Any]]:
    """The latest run's figures as report entries, streamed from the ledger, each with its preview's path
    when the preview drawn from its draft is there."""
    try:
        with os.scandir(outdir / PREVIEWS) as found:  # one listing, not a look-up per figure
            drawn = {item.name for item in found}
    except FileNotFoundError:
        drawn = set()
    for row in ledger.latest_rows(outdir):
        entry = dict(zip(ledger.COLUMNS, row, strict=True))
        preview = f"{entry['figid']}.svg"
        entry["preview"] = f"{PREVIEWS}/{preview}" if entry["preview_sha256"] and preview in drawn else ""
        # None: not related to WikiPathways (no --wikipathways); []: related, and no pathway shares a gene
        entry["related"] = json.loads(entry["related"]) if entry["related"] else None
        yield entry


def report_header(totals: dict[str, Any], source: str) -> dict[str, Any]:
    """The head of a run's reports: tool, source, when it finished, and its totals."""
    finished = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {"tool": f"pfocr2gpml {__version__}", "source": source, "finished": finished, "totals": totals}


def write_json_and_tsv(outdir: Path, header: dict[str, Any]) -> None:
    """Write ``report.json`` (the header, then the figures) and ``report.tsv`` for the latest run, figure
    by figure; the figures are :func:`report_figures`."""
    with open_atomic(outdir / REPORT_JSON) as report, open_atomic(outdir / REPORT_TSV) as table:
        report.write(json.dumps(header, ensure_ascii=False)[:-1].encode() + b', "figures": [')
        table.write(("\t".join(TSV_COLUMNS) + "\n").encode())
        for n, entry in enumerate(report_figures(outdir)):
            report.write(b",\n" if n else b"\n")
            report.write(json.dumps(entry, ensure_ascii=False).encode())
            cells = (_cell(entry, c).replace("\t", " ").replace("\n", " ") for c in TSV_COLUMNS)
            table.write(("\t".join(cells) + "\n").encode())
        report.write(b"\n]}\n")


def _cell(entry: dict[str, Any], column: str) -> str:
    """A report.tsv cell; the related pathways as ``WP554 Title (12 of 40 genes shared, p 3e-09); …``, and
    empty cells for them when the figure was not related to WikiPathways."""
    if column in ("related", "best_share", "best_p_value") and entry["related"] is None:
        return ""
    if column != "related":
        return str(entry[column])
    return "; ".join(
        f"{m['wpid']} {m['title']} ({m['shared']} of {m['size']} genes shared, p {m['p_value']:.2g})"
        for m in entry["related"]
    )


def write_reports(outdir: Path, totals: dict[str, Any], source: str) -> None:
    """Write report.json, report.tsv and index.html for the latest run of OUTDIR."""
    header = report_header(totals, source)
    _at_once(
        partial(write_json_and_tsv, outdir, header),
        partial(write_html_report, outdir, {**header, "figures": LedgerFigures(outdir)}),
    )


def _at_once(first: Callable[[], object], second: Callable[[], object]) -> None:
    """Run two independent writers side by side: the second in a forked process, where there is fork;
    the second's exception is raised here."""
    if "fork" not in multiprocessing.get_all_start_methods():
        first()
        second()
        return
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as pool:
        later = pool.submit(second)
        first()
        later.result()

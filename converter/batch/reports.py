"""A batch's reports: ``report.json``, ``report.tsv`` and the page ``index.html``.

They list the run's figures in input order and are written as the outcomes come
(:class:`ReportWriter`): each figure's entry goes to unnamed temporary files in OUTDIR at once, so the run
ends with no second pass over the ledger, memory stays flat at any size, and a killed run leaves nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from .. import __version__
from ..defaults import PREVIEWS
from ..errors import OutputError
from ..files import AtomicFile, open_atomic
from . import ledger
from .ledger import Outcome
from .page import INDEX_HTML, PageRows

__all__ = [
    "REPORT_JSON",
    "REPORT_TSV",
    "TSV_COLUMNS",
    "ReportWriter",
    "report_entry",
    "report_header",
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


def report_entry(outcome: Outcome, preview: bool) -> dict[str, Any]:
    """An outcome as a figure of report.json: the ledger's columns, then its preview's path (``""`` when
    ``preview`` is false: none drawn from this draft is in the folder)."""
    entry = dict(zip(ledger.COLUMNS, ledger.row_values(outcome), strict=True))
    # None: not related to WikiPathways (no --wikipathways); []: related, and no pathway shares a gene
    entry["related"] = json.loads(outcome.related) if outcome.related else None
    entry["preview"] = f"{PREVIEWS}/{outcome.figid}.svg" if preview else ""
    return entry


def report_header(totals: dict[str, Any], source: str) -> dict[str, Any]:
    """The head of a run's reports: tool, source, when it finished, and its totals."""
    finished = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {"tool": f"pfocr2gpml {__version__}", "source": source, "finished": finished, "totals": totals}


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


def _tsv_line(entry: dict[str, Any]) -> str:
    """A report.tsv line: the entry's cells, a tab or line break inside one written as a space."""
    cells = [_cell(entry, column) for column in TSV_COLUMNS]
    line = "\t".join(cells)
    if line.count("\t") != len(cells) - 1 or "\n" in line:  # rare: only then is each cell looked at
        line = "\t".join(cell.replace("\t", " ").replace("\n", " ") for cell in cells)
    return line + "\n"


class ReportWriter:
    """report.json, report.tsv and index.html of a batch run, written as its outcomes come, in input order.

    :meth:`add` writes an outcome's entry to unnamed temporary files in OUTDIR; :meth:`finish` puts the
    three reports in place (each whole or not at all) under the run's header; :meth:`close` drops what is
    left. A write that fails (a full disk) stops the reports, not the run: :meth:`finish` then raises
    OutputError naming it. ``previews``: whether this run draws previews.
    """

    def __init__(self, outdir: Path, previews: bool) -> None:
        self.outdir, self.previews = outdir, previews
        self.page = PageRows()
        self.problem = ""
        self._parts: tuple[IO[bytes], ...] = ()
        try:  # the figures of report.json, the rows of report.tsv, the rows of the page
            self._parts = tuple(tempfile.TemporaryFile(dir=outdir) for _ in range(3))  # noqa: SIM115
        except OSError as exc:
            self._stop(exc)

    def add(self, outcome: Outcome) -> None:
        """Write an outcome's entry to each report."""
        if self.problem:
            return
        entry = report_entry(outcome, self._preview_drawn(outcome))
        first = not self.page.inputs  # the page counts what was added
        # All three are made before any is written: an error in making one leaves no report a row ahead.
        pieces = (
            (b"\n" if first else b",\n") + json.dumps(entry, ensure_ascii=False).encode(),
            _tsv_line(entry).encode(),
            (b"" if first else b",") + self.page.add(entry).encode(),
        )
        try:
            for part, piece in zip(self._parts, pieces, strict=True):
                part.write(piece)
        except OSError as exc:
            self._stop(exc)

    def _preview_drawn(self, outcome: Outcome) -> bool:
        """Whether the folder holds the preview drawn from this outcome's draft."""
        if not outcome.preview_sha256 or outcome.status == "failed":
            return False
        # This run drew it or found it intact; without previews, an unchanged draft keeps its old one if any.
        return self.previews or os.path.isfile(self.outdir / PREVIEWS / f"{outcome.figid}.svg")

    def finish(self, totals: dict[str, Any], source: str) -> None:
        """Put report.json, report.tsv and index.html in place for the run's totals and SOURCE; OutputError
        when they cannot be written."""
        if self.problem:
            raise OutputError(self.problem)
        header = report_header(totals, source)
        before, after = self.page.around(header)
        figures, table, rows = self._parts
        try:
            with open_atomic(self.outdir / REPORT_JSON) as out:
                out.write(json.dumps(header, ensure_ascii=False)[:-1].encode() + b', "figures": [')
                _copy(figures, out)
                out.write(b"\n]}\n")
            with open_atomic(self.outdir / REPORT_TSV) as out:
                out.write(("\t".join(TSV_COLUMNS) + "\n").encode())
                _copy(table, out)
            with open_atomic(self.outdir / INDEX_HTML) as out:
                out.write(f"{before}[".encode())
                _copy(rows, out)
                out.write(f"]{after}".encode())
        except OSError as exc:  # reading a part back
            raise OutputError(f"{self.outdir}: cannot write the reports: {exc.strerror or exc}") from exc

    def close(self) -> None:
        """Drop the temporary files (after :meth:`finish`, or instead of it)."""
        for part in self._parts:
            with contextlib.suppress(OSError):  # what a full disk kept in its buffer is dropped
                part.close()  # unnamed: nothing is left in the folder
        self._parts = ()

    def _stop(self, exc: OSError) -> None:
        self.problem = f"{self.outdir}: cannot write the reports: {exc.strerror or exc}"
        self.close()


def _copy(part: IO[bytes], out: AtomicFile) -> None:
    part.flush()
    part.seek(0)
    shutil.copyfileobj(part, out, 1 << 20)

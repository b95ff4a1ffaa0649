"""A batch's report as one static page: ``OUTDIR/index.html``, a card per figure, filters and failures.

Example: after ``pfocr2gpml batch samples -o out``, ``write_html_report(Path("out"), report)`` writes
``out/index.html``; open it from the file system (no server) to browse the drafts by status and organism,
largest first, each with its SVG preview and links to the GPML, the PFOCR figure page and the paper.

The page fetches nothing from other sites. Titles, captions and errors are untrusted: Jinja2 escapes
them, the figure list is embedded once as JSON (``tojson`` escapes ``<``, ``>``, ``&`` and ``'``), the
inline script only writes text through ``textContent``/``setAttribute``, and a Content-Security-Policy
lets no script run but that one (pinned by its SHA-256).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
import secrets
from collections import Counter
from collections.abc import Mapping
from functools import cache, partial
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from .. import links
from ..defaults import PREVIEWS
from ..files import write_atomic

__all__ = ["INDEX_HTML", "PAGE_SIZE", "PageRows", "render_html", "write_html_report"]

INDEX_HTML = "index.html"
PAGE_SIZE = 60  # cards per page: the page stays quick with the whole 91,000-figure corpus
#: A figure is "covered" when one WikiPathways pathway holds more than this share of its genes.
COVERED_SHARE = 0.5
STATUSES = ("converted", "skipped", "failed")
VALIDATIONS = ("valid", "warnings", "invalid")
# One row of the embedded JSON per figure, in this column order (lists: a third of the size of objects).
# The page is mostly this JSON, so it is kept lean: CODED columns hold an index into their list of values;
# ``output``, ``preview`` and ``pfocr_url`` are null when they are the usual ``<figid>.gpml``,
# ``previews/<figid>.svg`` and PFOCR page (the script derives them); a doi.org link is stored as
# ``doi:<doi>``; ``source`` is kept only for figures without a figid.
COLUMNS = (
    "figid",
    "source",
    "status",
    "error",
    "title",
    "organism",
    "genes",
    "chemicals",
    "mapped",
    "unmapped",
    "validation",
    "warnings",
    "output",
    "preview",
    "pfocr_url",
    "paper_url",
    "unmapped_terms",
    "warning_texts",
    "related",
    "best_share",
    "best_p_value",
)
CODED = ("status", "organism", "validation")
_CODED_AT = {name: COLUMNS.index(name) for name in CODED}
_URL_SAFE = "!*'()"  # with these kept, urllib's quote() gives what JavaScript's encodeURIComponent() gives
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_OPEN_FAILURES = 200  # the failures list starts folded when longer than this
_WPID = re.compile(r"WP\d{1,6}")
_WEB = re.compile(r"https?://[^\s/]", re.IGNORECASE)


@cache
def _environment() -> Environment:
    """The Jinja2 environment: autoescaping on, undefined names are errors."""
    env = Environment(
        loader=PackageLoader("converter.batch", "templates"),
        autoescape=select_autoescape(["html", "j2"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = _thousands
    env.policies["json.dumps_kwargs"] = {"separators": (",", ":"), "ensure_ascii": False}
    return env


@cache
def _script() -> tuple[Markup, str]:
    """The page's script and its CSP hash (``sha256-…``); the script is static, never built from data."""
    text = (files("converter.batch") / "templates" / "report.js").read_text(encoding="utf-8")
    if "</" in text or "<!--" in text:
        raise ValueError("templates/report.js must not contain '</' or '<!--': it is inlined in a <script>")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Markup(text), f"sha256-{digest}"


def _thousands(value: object) -> str:
    """12345 → '12,345'; 0.5 → '0.5'; anything else as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{int(value):,}"


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _count(value: object) -> int:
    """A count from the report; anything that is not a finite number counts as 0."""
    if type(value) is int:  # the usual case, tested first
        return max(value, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return 0
    try:
        number = float(value)
    except ValueError:
        return 0
    return max(int(number), 0) if math.isfinite(number) else 0


def _web_link(value: object) -> str:
    """An http(s) URL for a link, or "" (a ``javascript:`` or ``data:`` URL must never become an href)."""
    text = _text(value)
    return text if _WEB.match(text) else ""


def _local_link(value: object) -> str:
    """A path inside OUTDIR, percent-encoded for an href; "" when absolute, with a scheme, or climbing out."""
    text = _text(value).replace("\\", "/")
    if not text or text.startswith("/") or _SCHEME.match(text) or ".." in text.split("/"):
        return ""
    return quote(text, safe="/" + _URL_SAFE)


def _row(figure: Mapping[str, Any], codes: dict[str, dict[str, int]]) -> list[Any]:
    """One figure as a JSON row in COLUMNS order; ``codes`` collects the values of the CODED columns."""
    figid = _text(figure.get("figid"))
    ref = quote(figid, safe=_URL_SAFE)
    usual = {"output": f"{ref}.gpml", "preview": f"{PREVIEWS}/{ref}.svg"} if figid else {}
    values: dict[str, Any] = {"figid": figid, "source": "" if figid else _text(figure.get("source"))}
    values |= {
        name: _text(figure.get(name))
        for name in ("status", "error", "title", "organism", "validation", "unmapped_terms", "warning_texts")
    }
    values |= {
        name: _count(figure.get(name)) for name in ("genes", "chemicals", "mapped", "unmapped", "warnings")
    }
    for name in ("output", "preview"):
        link = _local_link(figure.get(name))
        values[name] = None if link and link == usual.get(name) else link
    pfocr = _web_link(figure.get("pfocr_url"))
    usual_pfocr = figid and pfocr in (
        f"{links.PFOCR_FIGURES}{figid}.html",
        f"{links.PFOCR_FIGURES}{ref}.html",
    )
    values["pfocr_url"] = None if usual_pfocr else pfocr
    paper = _web_link(figure.get("paper_url"))
    values["paper_url"] = (
        f"doi:{paper.removeprefix(links.DOI_RESOLVER)}" if paper.startswith(links.DOI_RESOLVER) else paper
    )
    values["related"] = _related(figure.get("related"))
    values["best_share"] = _fraction(figure.get("best_share"), 0.0)
    values["best_p_value"] = _fraction(figure.get("best_p_value"), 1.0)
    for name in CODED:
        values[name] = codes[name].setdefault(values[name], len(codes[name]))
    return [values[name] for name in COLUMNS]


def _related(value: object) -> list[list[Any]] | None:
    """Related pathways as rows ``[wpid, title, shared, size, p_value]``, what is malformed left out; None
    when the figure was not related to WikiPathways."""
    if not isinstance(value, list):
        return None
    rows = []
    for match in value:
        if isinstance(match, Mapping) and _WPID.fullmatch(_text(match.get("wpid"))):
            shared, size = _count(match.get("shared")), _count(match.get("size"))
            rows.append([_text(match.get("wpid")), _text(match.get("title")), shared, size,
                         _fraction(match.get("p_value"), 1.0)])  # fmt: skip
    return rows


def _fraction(value: object, default: float) -> float:
    """A number between 0 and 1 from the report; the default for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return default
    return min(max(float(value), 0.0), 1.0)


class PageRows:
    """The page's figure rows, made one by one as the figures come, with what the page says of them all.

    Each figure gives one JSON row (:meth:`add`); its CODED values are numbered in the order they first
    come. :meth:`around` gives the page's text before and after the rows, counts included, so that a batch
    writes its rows while it runs and never holds them.
    """

    def __init__(self) -> None:
        self.codes: dict[str, dict[str, int]] = {name: {} for name in CODED}
        self.count: dict[str, Counter[int]] = {name: Counter() for name in CODED}
        self.failures: list[dict[str, str]] = []
        self.inputs = self.drafts = self.unmapped = 0
        self.outputs: set[str] = set()  # the drafts counted: a path listed twice is one draft
        self.novelty = Counter[str]()
        self._dumps = partial(htmlsafe_json_dumps, separators=(",", ":"), ensure_ascii=False)

    def add(self, figure: Mapping[str, Any]) -> str:
        """The figure's row, as JSON text; the figure is counted."""
        self.inputs += 1
        state = _text(figure.get("status"))
        output = _text(figure.get("output"))
        if state in ("converted", "skipped") and output not in self.outputs:  # a draft in the folder
            self.outputs.add(output)
            self.drafts += 1
            self.unmapped += _count(figure.get("unmapped"))
        if state == "failed":
            self.failures.append({name: _text(figure.get(name)) for name in ("figid", "source", "error")})
        elif isinstance(figure.get("related"), list):
            covered = _fraction(figure.get("best_share"), 0.0) > COVERED_SHARE
            self.novelty["covered" if covered else "new"] += 1
        row = _row(figure, self.codes)
        for name in CODED:
            self.count[name][row[_CODED_AT[name]]] += 1
        return str(self._dumps(row))

    def around(self, report: Mapping[str, Any]) -> tuple[str, str]:
        """The page's text before the rows' JSON list and after it, for the report's header (tool, source,
        finished, totals) and the figures added so far."""
        marker = f"rows-{secrets.token_hex(16)}"  # where the rows go; no text of the report can guess it
        page = _environment().get_template("report.html.j2").render(self._context(report, marker))
        before, found, after = page.partition(f'"{marker}"')
        if not found or marker in after:
            raise RuntimeError("the report template must embed the figure data exactly once")
        return before, after

    def _context(self, report: Mapping[str, Any], rows: str) -> dict[str, Any]:
        """Everything the template needs; ``rows`` stands in for the rows in the embedded JSON."""
        values = {name: list(found) for name, found in self.codes.items()}
        status = {values["status"][code]: n for code, n in self.count["status"].items()}
        validation = {values["validation"][code]: n for code, n in self.count["validation"].items()}
        totals = {
            "inputs": self.inputs,
            **{name: status.get(name, 0) for name in STATUSES},
            **(report.get("totals") or {}),
        }
        script, script_hash = _script()
        novelty = [(name, self.novelty[name]) for name in ("new", "covered")]
        return {
            "tool": _text(report.get("tool")) or "pfocr2gpml",
            "source": _text(report.get("source")),
            "finished": _text(report.get("finished")),
            "totals": totals,
            "folder": {"drafts": self.drafts, "unmapped": self.unmapped},
            "statuses": [
                (name, status.get(name, 0)) for name in (*STATUSES, *sorted(set(status) - set(STATUSES)))
            ],
            "validations": [(name, validation[name]) for name in VALIDATIONS if name in validation],
            "novelty": novelty if sum(self.novelty.values()) else [],
            "covered_percent": f"{COVERED_SHARE:.0%}".removesuffix("%"),
            "organisms": sorted(
                ((code, values["organism"][code], n) for code, n in self.count["organism"].items()),
                key=lambda item: (not item[1], -item[2], item[1].lower()),
            ),
            "failures": self.failures,
            "open_failures": _OPEN_FAILURES,
            "data": {
                "columns": COLUMNS,
                "codes": values,
                "pfocr_prefix": links.PFOCR_FIGURES,
                "previews": PREVIEWS,
                "doi_prefix": links.DOI_RESOLVER,
                "wikipathways_prefix": links.WIKIPATHWAYS_PATHWAYS,
                "covered_share": COVERED_SHARE,
                "page_size": PAGE_SIZE,
                "rows": rows,  # last, so that the small fields above are easy to read in the page source
            },
            "script": script,
            "script_hash": script_hash,
        }


def render_html(report: Mapping[str, Any]) -> str:
    """The page for a batch report (the dict ``batch`` writes to ``report.json``), as text."""
    page = PageRows()
    rows = [page.add(figure) for figure in report.get("figures") or () if isinstance(figure, Mapping)]
    before, after = page.around(report)
    return f"{before}[{','.join(rows)}]{after}"


def write_html_report(outdir: Path, report: Mapping[str, Any]) -> Path:
    """Write ``OUTDIR/index.html`` for a report held in memory, whole or not at all; returns its path.
    (``batch`` writes its page as it runs: :class:`converter.batch.reports.ReportWriter`.)"""
    target = Path(outdir) / INDEX_HTML
    write_atomic(target, render_html(report).encode("utf-8"))
    return target

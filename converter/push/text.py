"""The text of a draft's pull request: title, description, sources, mapping summary, reviewer checklist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from .. import __version__, links
from ..draft import UNMAPPED_SOURCE, read_unmapped_comment
from ..gpml.markup import BIOPAX_NS, GPML_NS
from ..mapping import Unmapped
from ..wikipathways import DESCRIPTION_SOURCE

__all__ = ["REVIEWER_CHECKLIST", "pull_request_text"]

#: The checklist WikiPathways' pull-request workflow gives its reviewers, plus what a PFOCR draft needs.
REVIEWER_CHECKLIST = (
    "Interactions are connected",
    "Datanodes are annotated with database references",
    "A description, consisting of a 2-3 sentence overview of processes described in the pathway, is included",
    "At least one literature reference is provided",
    "At least one pathway ontology term is included",
    f"Pathway title conforms to the [guidelines]({links.TITLE_GUIDELINES})",
    "Nodes are placed as in the figure (the draft lays them out on a grid)",
    "Terms the converter could not map were checked against the figure",
)
_NS = {"g": GPML_NS, "bp": BIOPAX_NS}
_SHOWN = 15  # unmapped words listed in the pull request; the rest are in the draft's comment


def pull_request_text(
    tree: etree._ElementTree, figid: str, repo_path: str, related: Sequence[Mapping[str, Any]] = ()
) -> tuple[str, str]:
    """Title and Markdown body of a draft's pull request: description, sources, mapping, the WikiPathways
    pathways that share its genes (when batch found them), and the reviewer checklist."""
    root = tree.getroot()
    title = " ".join((root.get("Name") or figid).split())[:256]
    nodes = root.findall("g:DataNode", _NS)
    annotated = sum(1 for xref in root.iterfind("g:DataNode/g:Xref", _NS) if xref.get("ID", "").strip())
    unmapped = read_unmapped_comment(root.findtext(f"g:Comment[@Source='{UNMAPPED_SOURCE}']", "", _NS) or "")
    lines = [
        f"Draft pathway made by pfocr2gpml {__version__} from the Pathway Figure OCR figure `{figid}`; "
        "it needs a curator's review against the figure before it is ready.",
        "",
        f"**Organism:** {root.get('Organism') or 'not given'}  ",
        f"**File:** `{repo_path}`",
        "",
        "### Description",
        "",
        (root.findtext(f"g:Comment[@Source='{DESCRIPTION_SOURCE}']", "", _NS) or "none").strip(),
        "",
        "### Sources",
        "",
        *[f"- [{label.get('TextLabel') or 'link'}]({label.get('Href')})" for label in _links(root)],
        "",
        "### Mapping",
        "",
        f"- DataNodes with a database identifier: {annotated} of {len(nodes)}",
        f"- DataNodes without one: {len(nodes) - annotated}",
        f"- Interactions: {len(root.findall('g:Interaction', _NS))}",
        f"- Literature references: {len(root.findall('g:Biopax/bp:PublicationXref', _NS))}",
        *_unmapped(unmapped),
        *_related(related),
        "",
        "### Reviewer checklist",
        "",
        *[f"- [ ] {item}" for item in REVIEWER_CHECKLIST],
    ]
    return title, "\n".join(lines) + "\n"


def _related(related: Sequence[Mapping[str, Any]]) -> list[str]:
    """Likely duplicates, for the editors: the pathways sharing the most of the draft's genes."""
    if not related:
        return []
    lines = ["", "### Related WikiPathways pathways", ""]
    for match in related:
        wpid, title = str(match.get("wpid", "")), " ".join(str(match.get("title", "")).split())
        shared, size, p = match.get("shared", 0), match.get("size", 0), match.get("p_value", 1.0)
        p_text = f"{p:.2g}" if isinstance(p, (int, float)) else "?"
        page = links.wikipathways_pathway(wpid)
        lines.append(f"- [{wpid}]({page}) {title}: {shared} of {size} genes shared, p {p_text}")
    return lines


def _links(root: etree._Element) -> list[etree._Element]:
    return [label for label in root.iterfind("g:Label[@Href]", _NS) if label.get("Href", "").strip()]


def _unmapped(items: list[Unmapped]) -> list[str]:
    if not items:
        return ["- Words from the figure not mapped: 0"]
    listed = [f"  - {u.word} ({u.kind}): {u.reason}" if u.kind else f"  - {u.word}" for u in items[:_SHOWN]]
    more = (
        [f"  - … and {len(items) - _SHOWN} more, listed in the pathway's comments"]
        if len(items) > _SHOWN
        else []
    )
    return [f"- Words from the figure not mapped: {len(items)}", *listed, *more]

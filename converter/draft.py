"""Build a draft Pathway from a figure record and its mapping. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

from . import links
from .defaults import DEFAULT_AUTHOR
from .layout import Section, arrange
from .mapping import RecordMapping, Term, Unmapped
from .model import Citation, DataNode, Group, Label, Pathway
from .records import FigureRecord
from .wikipathways import DATA_SOURCE, MIN_DESCRIPTION_WORDS, MIN_TITLE, new_pathway_version

__all__ = [
    "DEFAULT_AUTHOR",
    "UNMAPPED_SOURCE",
    "DraftOptions",
    "build_pathway",
    "check_author",
    "citation_of",
    "description_of",
    "figure_url",
    "name_of",
    "parse_date",
    "pmcid_to_cite",
    "read_unmapped_comment",
    "timestamp",
    "unmapped_comment",
]

NODE_TYPES = {"gene": "GeneProduct", "chemical": "Metabolite"}
#: The Source of the draft's Comment that lists the unmapped words.
UNMAPPED_SOURCE = "pfocr2gpml"
_UNMAPPED_LINE = re.compile(r"(.*) \((gene|keyword|chemical|disease)\): (.*)", re.DOTALL)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]")


_TIMESTAMP = re.compile(r"\d{14}")
#: Accepted dates: each strptime format with the exact shape it must have (strptime alone takes 2024111).
_DATE_FORMATS = {
    r"\d{4}-\d{2}-\d{2}": "%Y-%m-%d",
    r"\d{8}": "%Y%m%d",
    r"\d{14}": "%Y%m%d%H%M%S",
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}": "%Y-%m-%dT%H:%M:%S",
}
_AUTHOR_UNSAFE = re.compile(r'[\[\],"<>&\n\r\t]')


@dataclass(frozen=True)
class DraftOptions:
    """Choices that are not in the record.

    ``authors``: WikiPathways user names (each must be in the WikiPathways repository's
    ``scripts/author_list.csv`` for its pull-request checks to pass). ``last_modified``: ``YYYYMMDDHHMMSS``
    (UTC); empty means now.
    """

    authors: tuple[str, ...] = (DEFAULT_AUTHOR,)
    last_modified: str = ""

    def __post_init__(self) -> None:
        if self.last_modified and not _TIMESTAMP.fullmatch(self.last_modified):
            raise ValueError(f"last_modified must be YYYYMMDDHHMMSS; got {self.last_modified!r}")
        for author in self.authors:
            check_author(author)


def check_author(name: str) -> str:
    """A WikiPathways user name as it can stand in ``Author="[a, b]"``; ValueError naming the problem."""
    if not name.strip():
        raise ValueError("an author name is empty")
    if name != name.strip() or _AUTHOR_UNSAFE.search(name):
        raise ValueError(f'author {name!r}: a user name cannot hold [ ] , " < > & or surrounding spaces')
    return name


def parse_date(text: str) -> str:
    """``YYYY-MM-DD``, ``YYYYMMDD``, ``YYYYMMDDHHMMSS`` or ``YYYY-MM-DDTHH:MM:SS`` as ``YYYYMMDDHHMMSS``.

    Raises ValueError for anything else, and for impossible dates such as 2024-13-45.
    """
    text = text.strip()
    form = next((form for shape, form in _DATE_FORMATS.items() if re.fullmatch(shape, text)), None)
    if form is None:
        raise ValueError(f"{text!r} is not a date: expected YYYY-MM-DD, YYYYMMDD or YYYYMMDDHHMMSS")
    try:
        return datetime.strptime(text, form).strftime("%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date (month 1-12, a day the month has)") from None


def timestamp(seconds: float | None = None) -> str:
    """``YYYYMMDDHHMMSS`` in UTC for seconds since the epoch (default: now)."""
    moment = datetime.now(timezone.utc) if seconds is None else datetime.fromtimestamp(seconds, timezone.utc)
    return moment.strftime("%Y%m%d%H%M%S")


def figure_url(record: FigureRecord) -> str:
    """The figure in PMC: its figure page when known, else its image; empty without a PMCID."""
    return links.pmc_figure(record.pmcid, record.figlink, record.filename)


def name_of(record: FigureRecord) -> str:
    """The figure title, else the paper title (the first with ≥ 10 characters), else one made up."""
    for candidate in (record.title, record.paper_title):
        text = candidate.strip().rstrip(".").strip()
        if len(text) >= MIN_TITLE:
            return text
    number = record.number or "figure"
    return f"Pathway figure {number} from {record.pmcid or record.figid}"


def description_of(record: FigureRecord) -> str:
    """The caption plus where the figure comes from: always ≥ 15 words, however short the caption."""
    caption = " ".join(record.caption.split())
    if caption and caption[-1] not in ".!?":
        caption += "."
    paper = f'"{record.paper_title.rstrip(".")}"' if record.paper_title else "its paper"
    where = f"Figure {record.number}" if record.number else "A figure"
    source = f"{where} of {paper}"
    if record.reftext:
        source += f" ({record.reftext.rstrip('.')})"
    if record.doi:
        source += f", doi:{record.doi}"
    text = (
        f"{source}, as mined by Pathway Figure OCR ({links.pfocr_figure(record.figid)}). "
        "This is a machine-made draft: genes and other terms come from the figure's text, laid out on a "
        "grid rather than as in the figure, and need a curator's review against the original."
    )
    if not caption:
        return text
    # WikiPathways' pull-request check counts the words of the description's first line only.
    if len(caption.split(maxsplit=MIN_DESCRIPTION_WORDS)) >= MIN_DESCRIPTION_WORDS:
        return f"{caption}\n\n{text}"
    return f"{caption} {text}"


def pmcid_to_cite(record: FigureRecord) -> str:
    """The PMCID of a paper to be cited by its PubMed id, found online (``--online``): one without a DOI."""
    return record.pmcid if record.pmcid and not record.doi else ""


def citation_of(record: FigureRecord, pmid: str = "") -> Citation | None:
    """The paper as a literature reference: by DOI, else by PubMed id (``pmid``: found online from its
    PMCID), which WikiPathways can format, else by PMCID, which it cannot (its pipeline formats PubMed, DOI
    and ISBN references only); None without any."""
    authors: tuple[str, ...] = ()
    if ", et al" in record.reftext:
        authors = (record.reftext.split(",", 1)[0].strip(),)
    if record.doi:
        database, ident = "DOI", record.doi
    else:
        database, ident = ("PubMed", pmid) if pmid else ("PMC", record.pmcid)
    if not ident:
        return None
    return Citation("paper", database, ident, record.paper_title, record.journal, record.year, authors)


class _Ids:
    """Readable, content-derived GraphIds (XML NCNames), unique within one pathway."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, prefix: str, key: str = "") -> str:
        base = f"{prefix}_{_UNSAFE_ID.sub('_', key)}" if key else prefix
        graph_id, n = base, 1
        while graph_id in self.used:
            n += 1
            graph_id = f"{base}_{n}"
        self.used.add(graph_id)
        return graph_id


def _node_comment(term: Term, organism: str) -> str:
    text = f"OCR lexicon match: {', '.join(term.words)}" if term.words else ""
    if term.xref is None:
        text += f". Not annotated: no identifier found for {organism}"
    return text


def unmapped_comment(unmapped: Iterable[Unmapped]) -> str:
    """The draft's ``pfocr2gpml`` comment listing what stayed unmapped, one ``word (kind): reason`` a line.

    :func:`read_unmapped_comment` reads it back; the two are kept together so that they agree.
    """
    lines = [f"{u.word} ({u.kind}): {u.reason}" for u in unmapped]
    return f"Not mapped by pfocr2gpml ({len(lines)}):\n" + "\n".join(lines)


def read_unmapped_comment(text: str) -> list[Unmapped]:
    """The items of an :func:`unmapped_comment` (``[]`` for no comment); a line a curator wrote by hand
    is an item whose word is the whole line.

    Example: ``read_unmapped_comment(unmapped_comment([Unmapped("ROS", "keyword", "not a gene")]))`` is
    ``[Unmapped("ROS", "keyword", "not a gene")]``.
    """
    lines = [line for line in text.strip().split("\n") if line.strip()]
    if lines and lines[0].startswith("Not mapped by pfocr2gpml ("):
        lines = lines[1:]
    items = []
    for line in lines:
        found = _UNMAPPED_LINE.fullmatch(line)
        items.append(Unmapped(*found.groups()) if found else Unmapped(line.strip(), "", ""))
    return items


def _key(term: Term) -> str:
    return term.xref.id if term.xref else term.label


def build_pathway(
    record: FigureRecord, mapping: RecordMapping, options: DraftOptions | None = None, pmid: str = ""
) -> Pathway:
    """Assemble the draft: metadata, title and link labels, gene/chemical nodes, disease labels, layout;
    ``pmid``, the paper's PubMed id when found online (cited when the record has no DOI).

    Example: ``build_pathway(read_record(path), map_record(record))``.
    """
    options = options or DraftOptions()
    name = name_of(record)
    hrefs = [(f"PFOCR figure {record.figid}", links.pfocr_figure(record.figid))]
    if pmc := figure_url(record):
        hrefs.append(("Figure in PMC", pmc))
    if record.doi:
        hrefs.append((f"Paper: doi:{record.doi}", links.doi(record.doi)))
    groups = [
        ("gene", f"Genes ({len(mapping.genes)}, {mapping.organism})", mapping.genes),
        ("chemical", f"Chemicals ({len(mapping.chemicals)})", mapping.chemicals),
        ("disease", f"Diseases ({len(mapping.diseases)})", mapping.diseases),
    ]
    groups = [g for g in groups if g[2]]
    if mapping.unmapped:
        note = f"Not mapped: {len(mapping.unmapped)} words, listed with reasons in the pathway's comments"
        groups.append(("note", note, ()))
    sections = [
        Section(h, tuple(t.label for t in terms), families=kind == "gene") for kind, h, terms in groups
    ]
    page = arrange(name, [text for text, _ in hrefs], sections)

    ids = _Ids()
    title = "\n".join(page.title_lines)
    labels = [Label(ids("title"), title, page.title, font_size=18, bold=True, align="Left")]
    labels += [
        Label(ids("link", str(i)), text, box, href=url)
        for i, ((text, url), box) in enumerate(zip(hrefs, page.links, strict=True))
    ]
    nodes: list[DataNode] = []
    families: list[Group] = []
    for (kind, heading, terms), placed in zip(groups, page.sections, strict=True):
        labels.append(
            Label(ids("heading", kind), heading, placed.heading, font_size=14, bold=True, align="Left")
        )
        family_of_index = _family_groups(placed.families, kind, ids, families)
        for index, (term, box) in enumerate(zip(terms, placed.boxes, strict=True)):
            comment = _node_comment(term, mapping.organism)
            if kind == "disease":
                labels.append(
                    Label(ids("disease", _key(term)), term.label, box, href=term.href, comment=comment)
                )
                continue
            group = family_of_index.get(index, "")
            nodes.append(
                DataNode(ids(kind, _key(term)), term.label, NODE_TYPES[kind], term.xref, box, comment, group)
            )
    comments = ((UNMAPPED_SOURCE, unmapped_comment(mapping.unmapped)),) if mapping.unmapped else ()
    diseases = tuple(
        (t.label, t.xref.id, "Disease") for t in mapping.diseases if t.xref and t.xref.id.startswith("DOID:")
    )
    last_modified = options.last_modified or timestamp()
    return Pathway(
        name=name,
        organism=mapping.organism,
        authors=options.authors or (DEFAULT_AUTHOR,),
        data_source=DATA_SOURCE,
        version=new_pathway_version(last_modified),
        last_modified=last_modified,
        description=description_of(record),
        comments=comments,
        board_width=page.width,
        board_height=page.height,
        nodes=tuple(nodes),
        labels=tuple(labels),
        groups=tuple(families),
        citations=(citation,) if (citation := citation_of(record, pmid)) else (),
        ontology_terms=diseases,
    )


def _family_groups(
    runs: Iterable[tuple[str, tuple[int, ...]]], kind: str, ids: _Ids, out: list[Group]
) -> dict[int, str]:
    """A GPML Group per family run; returns item index → GroupId."""
    member_of: dict[int, str] = {}
    for family, members in runs:
        group_id = ids("family", family)
        out.append(Group(group_id, ids("group", family), f"{family} family"))
        for index in members:
            member_of[index] = group_id
    return member_of

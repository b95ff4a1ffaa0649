"""Map a figure record's words to identified terms: genes, chemicals, diseases, and what stays unmapped.

Two routes: PFOCR's own tables (their ids used as they are), or, for a record alone, its keywords
resolved offline against the embedded gene table. Every table row and keyword ends up either in a
term or in ``unmapped`` with a reason: nothing is dropped silently.

With online answers (``--online``), a keyword the offline tables do not know (``RecordMapping.ask_online``
of an offline mapping) takes MyGene's answer, under the offline rules: one gene or none, no alias that is
another organism's official symbol, no second node for a gene the figure already names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from . import links
from .gene_info import taxon_of
from .genes import covered, embedded_symbol, gene_index, non_gene_category, resolve_keywords
from .model import Xref
from .online.answers import FAILED, OnlineAnswers
from .records import ChemicalRow, DiseaseRow, FigureRecord, GeneRow

__all__ = ["DEFAULT_ORGANISM", "RecordMapping", "Term", "Unmapped", "choose_organism", "map_record"]

DEFAULT_ORGANISM = "Homo sapiens"
_WORDY = re.compile(r"\s")


class Term(NamedTuple):  # made by the dozen per record: a named tuple, for the reason model.py gives
    """One identified entity and the OCR words that matched it.

    ``xref`` is None for an entity kept as a node but not annotated.
    """

    kind: str  # "gene" | "chemical" | "disease"
    label: str
    xref: Xref | None
    words: tuple[str, ...] = ()
    href: str = ""


@dataclass(frozen=True)
class Unmapped:
    """A word (keyword or table row) that became no annotated node, and why."""

    word: str
    kind: str
    reason: str


@dataclass(frozen=True)
class RecordMapping:
    """The outcome of mapping one record for one organism."""

    organism: str
    organism_note: str
    route: str  # "PFOCR tables" | "keywords" | "PFOCR tables + keywords"
    genes: tuple[Term, ...]
    chemicals: tuple[Term, ...]
    diseases: tuple[Term, ...]
    unmapped: tuple[Unmapped, ...]
    notes: tuple[str, ...] = ()  # what a curator should know, e.g. a genes table that seems another figure's
    ask_online: tuple[str, ...] = ()  # keywords the offline tables do not know: what --online asks
    found_online: tuple[str, ...] = ()  # keywords identified by the online answers

    @property
    def mapped_count(self) -> int:
        """Terms that carry an identifier."""
        return sum(t.xref is not None for t in (*self.genes, *self.chemicals, *self.diseases))


def choose_organism(record: FigureRecord, override: str = "") -> tuple[str, str]:
    """Pick the draft's one organism; returns (organism, a note saying how when not obvious).

    ``override`` wins; else the first curated then NER organism with rows in the genes table;
    else the first organism named; else Homo sapiens.
    """
    if override:
        return override, ""
    named = list(dict.fromkeys((*record.organisms, *record.organisms_ner)))
    if record.genes:
        in_table = {row.organism for row in record.genes}
        for organism in named:
            if organism in in_table:
                return organism, ""
    if named:
        note = "no organism named by the record has rows in its genes table" if record.genes else ""
        return named[0], note
    return DEFAULT_ORGANISM, f"the record names no organism: assumed {DEFAULT_ORGANISM}"


def map_record(
    record: FigureRecord, organism: str = "", online: OnlineAnswers | None = None
) -> RecordMapping:
    """Map a record's genes, chemicals and diseases for one organism (chosen as choose_organism says),
    with the online answers for the keywords the offline tables do not know, when given."""
    organism, note = choose_organism(record, organism)
    unmapped: list[Unmapped] = []
    keywords = _Keywords(organism, online)
    leftover = _unaccounted_keywords(record)
    if record.genes is not None:
        route = "PFOCR tables"
        genes = _genes_from_table(record.genes, organism, unmapped)
        reason = "no row in the figure's PFOCR tables"
        unmapped.extend(Unmapped(word, "keyword", reason) for word in leftover)
    else:
        route = (
            "keywords" if record.chemicals is None and record.diseases is None else "PFOCR tables + keywords"
        )
        genes = _genes_from_keywords(leftover, keywords, unmapped)
    chemicals = _chemicals(record.chemicals or (), unmapped)
    diseases = _diseases(record.diseases or (), unmapped)
    return RecordMapping(
        organism,
        note,
        route,
        tuple(genes),
        tuple(chemicals),
        tuple(diseases),
        tuple(dict.fromkeys(unmapped)),
        _table_notes(record),
        tuple(dict.fromkeys(keywords.asked)),
        tuple(dict.fromkeys(keywords.found)),
    )


def _table_notes(record: FigureRecord) -> tuple[str, ...]:
    """A genes table none of whose words or symbols is among the record's keywords is likely another
    figure's (every genes table of the shared corpus shares some)."""
    if not (record.genes and record.keywords):
        return ()
    named = {row.word for row in record.genes} | {row.symbol for row in record.genes}
    if named.isdisjoint(record.keywords):
        return (
            "the genes table shares no word with the record's keywords: is it another figure's table? "
            "(the draft's genes come from it)",
        )
    return ()


def _genes_from_table(rows: Sequence[GeneRow], organism: str, unmapped: list[Unmapped]) -> list[Term]:
    """PFOCR's gene rows for the organism, one Term per NCBI Gene id, words kept."""
    by_id: dict[str, tuple[str, dict[str, None]]] = {}
    chosen_words = set()
    for row in rows:
        if row.organism and row.organism != organism:
            continue
        chosen_words.add(row.word)
        if not row.entrez:
            unmapped.append(Unmapped(row.word, "gene", "PFOCR matched it to no NCBI Gene id"))
            continue
        words = by_id.setdefault(row.entrez, (row.symbol or row.word, {}))[1]
        words.setdefault(row.word, None)
    others: dict[str, dict[str, None]] = {}
    for row in rows:
        if row.organism and row.organism != organism and row.word not in chosen_words:
            others.setdefault(row.word, {}).setdefault(row.organism, None)
    for word, organisms in others.items():
        reason = f"matched only for other organisms ({', '.join(organisms)}), not {organism}"
        unmapped.append(Unmapped(word, "gene", reason))
    return [
        Term("gene", symbol, Xref("Entrez Gene", ncbi), tuple(words))
        for ncbi, (symbol, words) in by_id.items()
    ]


class _Keywords:
    """The online answers for one record's keywords, applied under the offline rules; what was asked and
    what was found."""

    def __init__(self, organism: str, online: OnlineAnswers | None) -> None:
        self.organism, self.online = organism, online
        self.asked: list[str] = []
        self.found: list[str] = []

    def gene(self, word: str, offline: str, taken: dict[str, Term]) -> Term | str:
        """The gene an unknown ``word`` names online, or why not: the offline reason, then the online one."""
        self.asked.append(word)
        answer = self.online.gene(self.organism, word) if self.online is not None else None
        if answer is None:
            return offline
        if not answer.found:
            online = "could not be looked up online" if answer.status == FAILED else "online"
            return f"{offline}; {online}: {answer.reason}"
        if answer.how != "symbol":
            other = embedded_symbol(word)
            if other and other != self.organism:
                online = f"online: {answer.how} of {answer.symbol}, but an official symbol of {other}"
                return f"{offline}; {online}"
            if answer.symbol in taken:
                return f"duplicates {answer.symbol} (online: {answer.how} of {answer.symbol})"
        self.found.append(word)
        return Term("gene", answer.symbol, Xref("Entrez Gene", answer.entrez), (word,))


def _genes_from_keywords(words: Sequence[str], keywords: _Keywords, unmapped: list[Unmapped]) -> list[Term]:
    """Resolve keywords offline (then online, for those the tables do not know); for an organism without a
    table, keep gene-like words bare."""
    if not covered(keywords.organism):
        return _bare_genes(words, keywords, unmapped)
    index = gene_index(keywords.organism)
    by_symbol: dict[str, Term] = {}
    unresolved = []
    for resolution in resolve_keywords(words, index):
        gene = resolution.gene
        if gene is None:
            unresolved.append(resolution)
        else:
            _add(by_symbol, Term("gene", gene.symbol, gene.xref, (resolution.word,)))
    for resolution in unresolved:  # after the offline genes, so that an online alias cannot duplicate one
        word, reason = resolution.word, resolution.reason
        found = keywords.gene(word, reason, by_symbol) if resolution.unknown else reason
        if isinstance(found, Term):
            _add(by_symbol, found)
        else:
            unmapped.append(Unmapped(word, "keyword", found))
    return list(by_symbol.values())


def _add(by_symbol: dict[str, Term], term: Term) -> None:
    """Add a gene term, or its words to the term of the same symbol."""
    old = by_symbol.get(term.label)
    by_symbol[term.label] = term if old is None else old._replace(words=(*old.words, *term.words))


def _bare_genes(words: Sequence[str], keywords: _Keywords, unmapped: list[Unmapped]) -> list[Term]:
    """Keep gene-like keywords as nodes without identifier (unless found online); say why each is not
    annotated."""
    organism = keywords.organism
    kept = f"kept without identifier: the offline gene table does not cover {organism}"
    hints = ["NCBI's gene_info for it can be imported: pfocr2gpml genes import"] if taxon_of(organism) else []
    if keywords.online is None:
        hints.append("--online looks it up")
    kept += f" ({'; '.join(hints)})"
    by_symbol: dict[str, Term] = {}
    for word in words:
        category = non_gene_category(word)
        if category:
            unmapped.append(Unmapped(word, "keyword", f"common non-gene word ({category})"))
        elif _WORDY.search(word):
            unmapped.append(
                Unmapped(word, "keyword", "not a gene symbol (chemical or disease words need PFOCR tables)")
            )
        elif isinstance(found := keywords.gene(word, kept, by_symbol), Term):
            _add(by_symbol, found)
        else:
            _add(by_symbol, Term("gene", word, None, (word,)))
            unmapped.append(Unmapped(word, "gene", found))
    return list(by_symbol.values())


def _grouped(
    rows: Iterable[ChemicalRow | DiseaseRow], kind: str, unmapped: list[Unmapped]
) -> dict[Xref, tuple[str, dict[str, None]]]:
    by_xref: dict[Xref, tuple[str, dict[str, None]]] = {}
    for row in rows:
        xref = _term_xref(row)
        if xref is None:
            unmapped.append(Unmapped(row.word, kind, "PFOCR matched it to no MeSH, ChEBI or DOID id"))
            continue
        words = by_xref.setdefault(xref, (row.name or row.word, {}))[1]
        words.setdefault(row.word, None)
    return by_xref


def _term_xref(row: ChemicalRow | DiseaseRow) -> Xref | None:
    if isinstance(row, ChemicalRow) and row.chebi:
        return Xref("ChEBI", row.chebi)
    if isinstance(row, DiseaseRow) and row.doid:
        return Xref("Disease Ontology", row.doid)
    return Xref("MeSH", row.mesh) if row.mesh else None


def _chemicals(rows: Iterable[ChemicalRow], unmapped: list[Unmapped]) -> list[Term]:
    grouped = _grouped(rows, "chemical", unmapped)
    return [Term("chemical", label, xref, tuple(words)) for xref, (label, words) in grouped.items()]


def _diseases(rows: Iterable[DiseaseRow], unmapped: list[Unmapped]) -> list[Term]:
    grouped = _grouped(rows, "disease", unmapped)
    terms = []
    for xref, (label, words) in grouped.items():
        href = (links.disease_ontology if xref.database == "Disease Ontology" else links.mesh)(xref.id)
        terms.append(Term("disease", label, xref, tuple(words), href))
    return terms


def _unaccounted_keywords(record: FigureRecord) -> list[str]:
    """Keywords that no table row accounts for (all of them when the record has no tables)."""
    seen: set[str] = set()
    for rows in (record.genes or (), record.chemicals or (), record.diseases or ()):
        for row in rows:
            seen.add(row.word)
            seen.add(getattr(row, "symbol", "") or getattr(row, "name", ""))
    return [keyword for keyword in record.keywords if keyword not in seen]

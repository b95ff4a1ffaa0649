"""What the online services answered, as conversions use it: no HTTP here (:mod:`converter.online` asks).

:class:`GeneAnswer` is MyGene's answer for one term of one organism, :class:`PmidAnswer` the PMC ID
Converter's for one PMCID; both go to and from the cache as JSON. :class:`OnlineAnswers` holds the answers a
run gathered before converting (``convert --online``, ``batch --online``), for the mapping and the
literature reference of each record.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

__all__ = [
    "AMBIGUOUS",
    "FAILED",
    "FOUND",
    "NOT_FOUND",
    "GeneAnswer",
    "OnlineAnswers",
    "PmidAnswer",
    "normal_pmcid",
]

FOUND, AMBIGUOUS, NOT_FOUND, FAILED = "found", "ambiguous", "not found", "failed"
_GENE_STATUSES = (FOUND, AMBIGUOUS, NOT_FOUND, FAILED)
_PAPER_STATUSES = (FOUND, NOT_FOUND, FAILED)
_PMCID = re.compile(r"PMC\d+")


def _canonical_json(answer: object, key: str) -> str:
    """An answer's set fields but its ``key`` (what it answers), as canonical JSON."""
    data = {k: v for k, v in vars(answer).items() if k != key and v}
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class GeneAnswer:
    """What MyGene says of one term for one organism.

    ``found``: ``entrez`` (NCBI Gene id) and ``symbol`` (official) are set, and ``how`` says whether the
    term is that ``symbol``, the symbol in another case, or an alias. ``ambiguous``: ``candidates`` lists
    ``(symbol, entrez)`` of every gene it names. ``not found`` and ``failed`` (the service could not be
    asked, or did not answer; not cached): ``reason`` says why. ``reason`` is set for every status but found.
    """

    term: str
    status: str
    entrez: str = ""
    symbol: str = ""
    how: str = ""  # "symbol" | "symbol in another case" | "alias"; "" unless found
    candidates: tuple[tuple[str, str], ...] = ()
    reason: str = ""

    @property
    def found(self) -> bool:
        """True when the term names one gene with an NCBI Gene id."""
        return self.status == FOUND

    def to_json(self) -> str:
        """The answer without its term, as canonical JSON (what the cache keeps)."""
        return _canonical_json(self, "term")

    @classmethod
    def from_json(cls, term: str, text: str) -> GeneAnswer | None:
        """The answer :meth:`to_json` wrote for ``term``, or None when ``text`` is not one."""
        try:
            data = json.loads(text)
            candidates = tuple((str(s), str(e)) for s, e in data.get("candidates", ()))
            answer = cls(term, **{**data, "candidates": candidates})
        except (ValueError, TypeError, AttributeError):
            return None
        return answer if answer.status in _GENE_STATUSES else None


@dataclass(frozen=True)
class PmidAnswer:
    """What the converter says of one PMCID: ``found`` with its ``pmid`` (and ``doi`` when it has one);
    ``not found`` (no such PMCID, or a paper without a PubMed id) or ``failed`` (not asked, or no answer;
    not cached), each with its ``reason``."""

    pmcid: str
    status: str
    pmid: str = ""
    doi: str = ""
    reason: str = ""

    @property
    def found(self) -> bool:
        """True when the paper has a PubMed id."""
        return self.status == FOUND

    def to_json(self) -> str:
        """The answer without its PMCID, as canonical JSON (what the cache keeps)."""
        return _canonical_json(self, "pmcid")

    @classmethod
    def from_json(cls, pmcid: str, text: str) -> PmidAnswer | None:
        """The answer :meth:`to_json` wrote for ``pmcid``, or None when ``text`` is not one."""
        try:
            answer = cls(pmcid, **json.loads(text))
        except (ValueError, TypeError):
            return None
        return answer if answer.status in _PAPER_STATUSES else None


def normal_pmcid(text: str) -> str:
    """``PMC7605294`` for `` pmc7605294 ``; "" for anything that is not a PMCID."""
    pmcid = text.strip().upper()
    return pmcid if _PMCID.fullmatch(pmcid) else ""


@dataclass(frozen=True)
class OnlineAnswers:
    """The answers gathered for a run: genes by (organism, word as the record has it), papers by PMCID."""

    genes: Mapping[tuple[str, str], GeneAnswer] = field(default_factory=dict)
    papers: Mapping[str, PmidAnswer] = field(default_factory=dict)

    @cached_property
    def _organisms(self) -> tuple[str, ...]:
        return tuple(sorted({organism for organism, _ in self.genes}))

    def gene(self, organism: str, word: str) -> GeneAnswer | None:
        """The answer for one word of one organism, or None when it was not asked."""
        return self.genes.get((organism, word))

    def pmid(self, pmcid: str) -> str:
        """The PubMed id of a paper known by its PMCID, or "" when none was found."""
        answer = self.papers.get(normal_pmcid(pmcid))
        return answer.pmid if answer is not None and answer.found else ""

    def digest(self, words: Iterable[str], pmcid: str) -> str:
        """What a record's draft may take from these answers: those for its words, in any organism, and
        its paper (resume redoes a record when they change)."""
        digest = hashlib.sha256()
        for word in sorted(set(words)):
            for organism in self._organisms:
                if (answer := self.genes.get((organism, word))) is not None:
                    digest.update(f"{organism}\t{word}\t{answer.to_json()}\n".encode())
        paper = self.papers.get(normal_pmcid(pmcid))
        digest.update((paper.to_json() if paper is not None else "").encode())
        return digest.hexdigest()

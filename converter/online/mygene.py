"""Gene symbols to NCBI Gene ids through MyGene's batch query, for any organism, never guessing.

One ``POST <root>/query`` asks up to 1,000 terms (``q``, each term double-quoted so that spaces, ``+`` and
commas stay inside it), searched as official symbols and aliases (``scopes=symbol,alias``) of one
organism (``species``: its NCBI Taxonomy id), returning ``entrezgene``, ``symbol`` and ``taxid``. The answer
is a JSON list: one object per hit, carrying the term it matched as ``query``; a term naming several genes
comes back as several hits sharing its ``query``, an unknown one as ``{"query": …, "notfound": true}``.

The rule is the offline tables' (:mod:`converter.genes`): the gene whose official symbol is the term,
exactly, when there is one such gene; else the only gene the term names; else the term is ambiguous and
its candidates are listed, never chosen between.

Example: ``MyGene(url).resolve(["Egfr", "Dl"], 7227)["Egfr"].entrez == "37455"``; ``["Dl"]`` is ambiguous
(dorsal's symbol ``dl`` in another case, and an alias of Delta).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..defaults import MYGENE_NAME
from .answers import AMBIGUOUS, FAILED, FOUND, NOT_FOUND, GeneAnswer
from .http import LookupFailed, Service, Settings

__all__ = ["BATCH", "MyGene"]

log = logging.getLogger(__name__)

#: MyGene takes at most this many terms in one batch query.
BATCH = 1000
#: Seconds between two requests: MyGene publishes no limit; batches are large, so a few a second is polite.
PAUSE = 0.2
#: A term MyGene's query parser would split or unquote differently: not sent.
_UNSENDABLE = re.compile(r'["\\\x00-\x1f\x7f]')


class MyGene:
    """The MyGene client: ``url`` is its ``/v3`` root (the default, or ``PFOCR2GPML_MYGENE_URL``)."""

    def __init__(
        self, url: str, *, settings: Settings | None = None, email: str = "", batch_size: int = BATCH
    ) -> None:
        if not 1 <= batch_size <= BATCH:
            raise ValueError(f"batch_size must be 1 to {BATCH}, not {batch_size}")
        self.service = Service(MYGENE_NAME, url.rstrip("/"), settings or Settings(), PAUSE)
        self.email, self.batch_size = email, batch_size

    def close(self) -> None:
        """Close the HTTP session."""
        self.service.close()

    def resolve(self, symbols: Sequence[str], taxid: int, organism: str = "") -> dict[str, GeneAnswer]:
        """One answer per distinct symbol (keyed as given; looked up without surrounding spaces), asking
        in batches of at most ``batch_size`` terms. ``organism`` names the taxon in reasons."""
        where = organism or f"taxon {taxid}"
        answers: dict[str, GeneAnswer] = {}
        terms: dict[str, None] = {}
        for symbol in symbols:
            term = symbol.strip()
            if not term:
                answers[symbol] = GeneAnswer(term, NOT_FOUND, reason="empty word")
            elif _UNSENDABLE.search(term):
                reason = f"not sent to {MYGENE_NAME}: it holds a quote, backslash or control character"
                answers[symbol] = GeneAnswer(term, NOT_FOUND, reason=reason)
            else:
                terms.setdefault(term, None)
        found: dict[str, GeneAnswer] = {}
        batch = list(terms)
        for start in range(0, len(batch), self.batch_size):
            chunk = batch[start : start + self.batch_size]
            found.update(self._ask(chunk, taxid, where))
        return {symbol: answers.get(symbol) or found[symbol.strip()] for symbol in symbols}

    def _ask(self, terms: list[str], taxid: int, where: str) -> dict[str, GeneAnswer]:
        form = {
            "q": ",".join(f'"{term}"' for term in terms),
            "scopes": "symbol,alias",
            "species": str(taxid),
            "fields": "entrezgene,symbol,taxid",
        }
        if self.email:
            form["email"] = self.email
        log.info("%s: asking %d symbols for %s", MYGENE_NAME, len(terms), where)
        try:
            reply = self.service.request("POST", "/query", data=form)
            hits = _hits(reply, taxid)
        except LookupFailed as failure:
            log.warning("%s: %d symbols not looked up: %s", MYGENE_NAME, len(terms), failure)
            return {term: GeneAnswer(term, FAILED, reason=str(failure)) for term in terms}
        missing = f"{MYGENE_NAME} left it out of its answer"
        return {
            term: _decide(term, hits[term], where)
            if term in hits
            else GeneAnswer(term, FAILED, reason=missing)
            for term in terms
        }


@dataclass(frozen=True)
class _Hit:
    entrez: str
    symbol: str
    key: str  # MyGene's _id: the NCBI Gene id, or an Ensembl id for a gene NCBI does not have


def _hits(reply: Any, taxid: int) -> dict[str, list[_Hit]]:
    """The reply's hits by term (none for a term not found); LookupFailed for a reply of another shape."""
    if not isinstance(reply, list):
        raise LookupFailed(f"{MYGENE_NAME} answered JSON that is not a list of hits ({type(reply).__name__})")
    hits: dict[str, list[_Hit]] = {}
    for item in reply:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            raise LookupFailed(f"{MYGENE_NAME} answered a hit without its query term: {str(item)[:80]}")
        found = hits.setdefault(item["query"], [])
        if item.get("notfound") or str(item.get("taxid", taxid)) != str(taxid):
            continue
        entrez = str(item.get("entrezgene") or "")
        key = str(item.get("_id") or entrez)
        if not entrez and key.isdigit():
            entrez = key
        hit = _Hit(entrez if entrez.isdigit() else "", str(item.get("symbol") or ""), key)
        if hit not in found:
            found.append(hit)
    return hits


def _decide(term: str, hits: list[_Hit], where: str) -> GeneAnswer:
    """The rule: the one gene whose official symbol is the term; else the one gene named; else ambiguous."""
    if not hits:
        return GeneAnswer(term, NOT_FOUND, reason=f"not a gene symbol or alias for {where} in {MYGENE_NAME}")
    exact = [hit for hit in hits if hit.symbol == term]
    if len(exact) == 1:
        chosen, how = exact[0], "symbol"
    elif len(hits) == 1:
        chosen = hits[0]
        how = "symbol in another case" if chosen.symbol.casefold() == term.casefold() else "alias"
    else:
        candidates = tuple(sorted((hit.symbol, hit.entrez or hit.key) for hit in hits))
        listed = ", ".join(f"{symbol} {ident}" for symbol, ident in candidates)
        reason = f"ambiguous: names {len(candidates)} genes for {where} in {MYGENE_NAME} ({listed})"
        return GeneAnswer(term, AMBIGUOUS, candidates=candidates, reason=reason)
    if not chosen.entrez:
        reason = f"{MYGENE_NAME} knows it as {chosen.symbol} ({chosen.key}), which has no NCBI Gene id"
        return GeneAnswer(term, NOT_FOUND, reason=reason)
    return GeneAnswer(term, FOUND, chosen.entrez, chosen.symbol, how)

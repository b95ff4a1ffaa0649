"""Cache-first online lookups: :class:`OnlineLookup` asks the cache, then the services for what it lacks."""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from ..datadir import data_folder
from ..defaults import (
    DEFAULT_IDCONV_URL,
    DEFAULT_MYGENE_URL,
    EMAIL_ENV,
    IDCONV_URL_ENV,
    MYGENE_URL_ENV,
    ONLINE_CACHE_NAME,
)
from ..wikipathways import taxid_of
from .answers import FAILED, GeneAnswer, PmidAnswer, normal_pmcid
from .cache import Cache
from .http import OnlineError, Settings, checked_url
from .idconv import IdConverter
from .mygene import MyGene

__all__ = ["OnlineLookup", "service_urls"]

log = logging.getLogger(__name__)

Answer = TypeVar("Answer", GeneAnswer, PmidAnswer)


def service_urls() -> tuple[str, str]:
    """(MyGene root, ID Converter endpoint) from the environment, else the defaults; OnlineError for a URL
    that is not https (plain http only on loopback)."""
    mygene = os.environ.get(MYGENE_URL_ENV, "").strip() or DEFAULT_MYGENE_URL
    idconv = os.environ.get(IDCONV_URL_ENV, "").strip() or DEFAULT_IDCONV_URL
    return checked_url(mygene, MYGENE_URL_ENV), checked_url(idconv, IDCONV_URL_ENV)


class OnlineLookup:
    """Cache-first gene and PubMed id lookups; ``cache`` None keeps nothing (each call asks the services).

    ``counts`` tallies what was answered from the cache and what was asked; ``problems`` lists, once
    each, what went wrong with the cache (the lookups go on without it).
    """

    def __init__(self, mygene: MyGene, idconv: IdConverter, cache: Cache | None) -> None:
        self.mygene, self.idconv, self.cache = mygene, idconv, cache
        self.counts: Counter[str] = Counter()
        self._problems: dict[str, None] = {}

    @classmethod
    def from_environment(cls, folder: Path | None = None, settings: Settings | None = None) -> OnlineLookup:
        """The services at :func:`service_urls`, ``PFOCR2GPML_EMAIL`` as the contact NCBI asks for, and the
        cache in ``folder`` (default: the data folder). OnlineError for a bad URL."""
        mygene_url, idconv_url = service_urls()
        email = os.environ.get(EMAIL_ENV, "").strip()
        cache = Cache((folder if folder is not None else data_folder()) / ONLINE_CACHE_NAME)
        mygene = MyGene(mygene_url, settings=settings, email=email)
        return cls(mygene, IdConverter(idconv_url, settings=settings, email=email), cache)

    def __enter__(self) -> OnlineLookup:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the sessions and the cache."""
        self.mygene.close()
        self.idconv.close()
        if self.cache is not None:
            self.cache.close()

    @property
    def problems(self) -> tuple[str, ...]:
        """What went wrong with the cache, one line each (empty when nothing did)."""
        return tuple(self._problems)

    def genes(self, symbols: Sequence[str], organism: str) -> dict[str, GeneAnswer]:
        """One answer per distinct symbol (keyed as given) for ``organism`` (WikiPathways' spelling)."""
        taxid = taxid_of(organism)
        if taxid is None:
            reason = f"no NCBI Taxonomy id known for {organism!r}, so it cannot be looked up online"
            return {symbol: GeneAnswer(symbol.strip(), FAILED, reason=reason) for symbol in symbols}
        terms = list(dict.fromkeys(symbol.strip() for symbol in symbols))
        ask = partial(self.mygene.resolve, taxid=taxid, organism=organism)
        found = self._cache_first("mygene", taxid, terms, GeneAnswer.from_json, ask, "genes")
        return {symbol: found[symbol.strip()] for symbol in symbols}

    def pmids(self, pmcids: Sequence[str]) -> dict[str, PmidAnswer]:
        """One answer per distinct PMCID (keyed as given; ``pmc123`` is ``PMC123``)."""
        wanted = list(dict.fromkeys(normal_pmcid(given) or given for given in pmcids))
        found = self._cache_first("idconv", 0, wanted, PmidAnswer.from_json, self.idconv.pmids, "papers")
        return {given: found[normal_pmcid(given) or given] for given in pmcids}

    def _cache_first(
        self,
        service: str,
        taxid: int,
        terms: list[str],
        kept_answer: Callable[[str, str], Answer | None],
        ask: Callable[[list[str]], dict[str, Answer]],
        kind: str,
    ) -> dict[str, Answer]:
        """The answers for ``terms``: the cache's, then ``service``'s for the rest (kept in the cache unless
        they failed); counted as ``<kind> from cache`` and ``<kind> asked``."""
        kept = {
            term: answer
            for term, text in self._cached(service, taxid, terms).items()
            if (answer := kept_answer(term, text)) is not None
        }
        asked = ask([term for term in terms if term not in kept])
        self.counts.update({f"{kind} from cache": len(kept), f"{kind} asked": len(asked)})
        self._keep(service, taxid, {t: a.to_json() for t, a in asked.items() if t and a.status != FAILED})
        return {**kept, **asked}

    def _cached(self, service: str, taxid: int, terms: list[str]) -> dict[str, str]:
        if self.cache is None:
            return {}
        try:
            return self.cache.get(service, taxid, terms)
        except OnlineError as problem:
            self._problem(problem)
            return {}

    def _keep(self, service: str, taxid: int, answers: dict[str, str]) -> None:
        if self.cache is None:
            return
        try:
            self.cache.put(service, taxid, answers)
        except OnlineError as problem:
            self._problem(problem)

    def _problem(self, problem: OnlineError) -> None:
        text = f"{problem}; looked up without the cache"
        if text not in self._problems:
            log.warning("%s", text)
            self._problems[text] = None

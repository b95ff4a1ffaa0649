"""Online, opt-in lookups (``--online``): what the offline tables cannot resolve, asked once and kept.

- Genes: symbols for any organism, through MyGene's batch query (:mod:`.mygene`): found, ambiguous (the
  candidates, never one of them chosen), not found, or failed with a reason.
- Literature: a PMCID-only paper's PubMed id, through NCBI's PMC ID Converter (:mod:`.idconv`).

:class:`OnlineLookup` asks the cache first (:mod:`.cache`, ``online-cache.sqlite`` in the data folder) and
the services only for what it lacks; every answer but a failure is kept, so a second run asks nothing and
gives the same answers with the services gone. A failure never raises: it is an answer saying why.

Example::

    with OnlineLookup.from_environment() as lookup:
        lookup.genes(["Egfr", "Dl"], "Drosophila melanogaster")["Egfr"].entrez   # "37455"
        lookup.pmids(["PMC7605294"])["PMC7605294"].pmid                          # "33163378"
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .answers import GeneAnswer, OnlineAnswers, PmidAnswer
    from .cache import Cache
    from .http import LookupFailed, OnlineError, Settings
    from .idconv import IdConverter
    from .lookup import OnlineLookup, service_urls
    from .mygene import MyGene

#: Public name -> its module. Imported on first use: the answers need no HTTP library, and a conversion
#: without --online should not pay for loading one.
_WHERE = {
    "GeneAnswer": "answers", "OnlineAnswers": "answers", "PmidAnswer": "answers",
    "Cache": "cache", "LookupFailed": "http", "OnlineError": "http", "Settings": "http",
    "IdConverter": "idconv", "MyGene": "mygene", "OnlineLookup": "lookup", "service_urls": "lookup",
}  # fmt: skip

__all__ = [
    "Cache",
    "GeneAnswer",
    "IdConverter",
    "LookupFailed",
    "MyGene",
    "OnlineAnswers",
    "OnlineError",
    "OnlineLookup",
    "PmidAnswer",
    "Settings",
    "service_urls",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)

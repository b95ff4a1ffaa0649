"""Which pathways share a draft's genes beyond chance: a hypergeometric p-value, then Jaccard.

For a draft with ``n`` genes among the ``N`` genes of its organism's pathways (the universe), a pathway of
``K`` genes sharing ``k`` of them is scored by ``P(X >= k)``, X hypergeometric (N, K, n): the chance that
``n`` genes drawn at random from the universe share at least ``k`` with it. It is honest for small and large
sets alike: a large pathway shares many genes by chance and needs more to score. Equal p-values are ordered
by the Jaccard index of the two sets, then by WP id (the same k and K give the same both, so there the WP id
decides); the Jaccard index is reported beside p, as the plain share of genes. The p-value is computed
exactly, in logarithms (``math.lgamma``), so that ranking still tells tiny values apart; it is not corrected
for the number of pathways compared: it ranks, and a Bonferroni bound is p times the organism's pathways.

Example: ``related({3716, 3717, 6772}, "Homo sapiens", index).matches[0].wpid``.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from ..defaults import DEFAULT_RELATED_TOP
from .genesets import GeneSet
from .index import OrganismSets, RelatedIndex
from .xrefs import entrez_mapper

__all__ = ["Match", "Ranking", "jaccard", "log_hypergeom_sf", "rank_gene_set", "related"]

_NEGLIGIBLE = 1e-17  # a term this small beside the sum so far changes no double
_MARGIN = 1e-9  # rounding room when a bound decides that a pathway cannot make the list


@dataclass(frozen=True)
class Match:
    """One related pathway: its genes shared with the draft (Entrez Gene ids), its size in genes, the
    scores, and its gene nodes (``nodes``) of which ``unmapped`` have no Entrez Gene id."""

    wpid: str
    title: str
    shared: tuple[int, ...]
    size: int
    jaccard: float
    p_value: float
    log_p: float
    nodes: int
    unmapped: int

    def summary(self) -> dict[str, Any]:
        """What reports, the page and pull requests keep of it: ``wpid``, ``title``, ``shared`` (how many),
        ``size``, ``jaccard``, ``p_value``."""
        return {"wpid": self.wpid, "title": self.title, "shared": len(self.shared), "size": self.size,
                "jaccard": self.jaccard, "p_value": self.p_value}  # fmt: skip


@dataclass(frozen=True)
class Ranking:
    """The related pathways of one draft, best first; ``reason`` says why there are none ("" otherwise).

    ``genes``: the draft's distinct genes; ``in_universe``: those some pathway of its organism holds (the
    ``n`` of the test); ``universe`` and ``pathways``: that organism's genes and pathways in the index.
    """

    organism: str
    genes: int
    in_universe: int
    universe: int
    pathways: int
    matches: tuple[Match, ...]
    reason: str = ""


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _log_pmf(i: int, universe: int, size: int, drawn: int, log_draws: float) -> float:
    """``ln P(X = i)``; ``log_draws`` is ``ln C(universe, drawn)``, the same for every pathway of a draft."""
    lg, rest = math.lgamma, universe - size
    return (
        lg(size + 1)
        - lg(i + 1)
        - lg(size - i + 1)
        + lg(rest + 1)
        - lg(drawn - i + 1)
        - lg(rest - drawn + i + 1)
    ) - log_draws


def log_hypergeom_sf(k: int, universe: int, size: int, drawn: int) -> float:
    """``ln P(X >= k)`` for X hypergeometric: ``drawn`` genes from ``universe``, of which ``size`` are the
    pathway's. Exact up to rounding; summed from the largest term, so it does not underflow.

    Example: ``math.exp(log_hypergeom_sf(2, 10, 3, 4))`` is 1/3 (70 of the 210 draws of 4 hold 2 or 3).
    """
    return _log_sf(k, universe, size, drawn, _log_comb(universe, drawn))


def _log_sf(k: int, universe: int, size: int, drawn: int, log_draws: float) -> float:
    low, high = max(0, drawn + size - universe), min(size, drawn)
    if k <= low:
        return 0.0
    if k > high:
        return -math.inf
    rest = universe - size - drawn
    if k * universe > drawn * size:  # above the mean: terms fall from k on; sum them relative to the first
        total = term = 1.0
        for i in range(k, high):
            term *= (size - i) * (drawn - i) / ((i + 1) * (rest + i + 1))
            total += term
            if term < total * _NEGLIGIBLE:
                break
        return _log_pmf(k, universe, size, drawn, log_draws) + math.log(total)
    total = term = 1.0  # at or below the mean: one minus the lower tail, whose terms fall from k - 1 down
    for i in range(k - 1, low, -1):
        term *= i * (rest + i) / ((size - i + 1) * (drawn - i + 1))
        total += term
        if term < total * _NEGLIGIBLE:
            break
    lower = math.exp(_log_pmf(k - 1, universe, size, drawn, log_draws)) * total
    return math.log1p(-lower) if lower < 1.0 else -math.inf


def _log_bounds(k: int, universe: int, size: int, drawn: int, log_draws: float) -> tuple[float, float]:
    """Cheap bounds on ``ln P(X >= k)``: its first term below; above, for k over the mean, the first term
    over one minus the first ratio (the terms fall ever faster), else 0."""
    first = _log_pmf(k, universe, size, drawn, log_draws)
    if k * universe <= drawn * size:
        return first, 0.0
    ratio = (size - k) * (drawn - k) / ((k + 1) * (universe - size - drawn + k + 1))
    return first, (first - math.log1p(-ratio) if ratio < 1.0 else 0.0)


def jaccard(shared: int, first: int, second: int) -> float:
    """Shared genes over the genes of either set; 0.0 for two empty sets."""
    union = first + second - shared
    return shared / union if union else 0.0


def related(
    genes: Iterable[int],
    organism: str,
    index: RelatedIndex,
    top: int = DEFAULT_RELATED_TOP,
    exclude: Collection[str] = (),
) -> Ranking:
    """The ``top`` pathways of ``organism`` in ``index`` sharing most beyond chance with ``genes`` (Entrez
    Gene ids), best first; pathways whose id is in ``exclude`` are left out, and so are those sharing none.

    Costs a look-up per gene and a bound per pathway sharing one: load the index once, call this per draft.
    ValueError when ``top`` is below 1.
    """
    if top < 1:
        raise ValueError(f"top must be 1 or more, not {top}")
    query = frozenset(genes)
    group = index.organism(organism)
    if group is None:
        return Ranking(organism, len(query), 0, 0, 0, (), f"the index has no {organism} pathways")
    counts: dict[int, int] = {}
    in_universe = 0
    for gene in query:
        positions = group.postings.get(gene, ())
        in_universe += bool(positions)
        for position in positions:
            counts[position] = counts.get(position, 0) + 1
    best = heapq.nsmallest(top, _scored(group, counts, len(query), in_universe, top, exclude))
    matches = tuple(_match(group.sets[position], query, log_p, -score) for log_p, score, position in best)
    reason = "" if matches else "no genes to compare" if not query else f"no {organism} pathway shares a gene"
    return Ranking(organism, len(query), in_universe, group.universe, len(group.sets), matches, reason)


def _scored(
    group: OrganismSets, counts: dict[int, int], genes: int, drawn: int, top: int, exclude: Collection[str]
) -> list[tuple[float, float, int]]:
    """(ln p, -Jaccard, position) of the pathways that may be among the best (positions follow WP ids).

    A pathway whose p is surely above the ``top``-th best upper bound cannot make the list: only the
    others get the exact sum. Most pathways share one or two genes of a hundred; they drop out here.
    """
    universe, log_draws = group.universe, _log_comb(group.universe, drawn)
    bounded = []
    for position, shared in counts.items():
        member = group.sets[position]
        if member.id not in exclude:
            low, high = _log_bounds(shared, universe, len(member.genes), drawn, log_draws)
            bounded.append((high, low, shared, position))
    highs = heapq.nsmallest(top, (item[0] for item in bounded))
    cut = highs[-1] + _MARGIN if len(highs) == top else math.inf
    scored = []
    for _, low, shared, position in bounded:
        if low <= cut:
            size = len(group.sets[position].genes)
            log_p = _log_sf(shared, universe, size, drawn, log_draws)
            scored.append((log_p, -jaccard(shared, genes, size), position))
    return scored


def _match(member: GeneSet, query: frozenset[int], log_p: float, score: float) -> Match:
    shared = tuple(sorted(query & member.genes))
    size = len(member.genes)
    return Match(
        member.id, member.title, shared, size, score, math.exp(log_p), log_p, member.nodes, member.unmapped
    )


def rank_gene_set(draft: GeneSet, index: RelatedIndex, top: int = DEFAULT_RELATED_TOP) -> Ranking:
    """:func:`related` for a draft (or any pathway) read with :func:`~.genesets.read_gene_set`: leaves out
    the pathway itself (its WP id), and says why there is nothing to rank when it has no gene."""
    ranking = related(draft.genes, draft.organism, index, top, exclude={draft.id})
    if draft.genes or ranking.matches:
        return ranking
    if not draft.nodes:
        why = "it has no gene nodes"
    else:
        note = entrez_mapper(draft.organism).note
        why = f"none of its {draft.nodes} gene nodes has an Entrez Gene id" + (f" ({note})" if note else "")
    return Ranking(ranking.organism, 0, 0, ranking.universe, ranking.pathways, (), why)

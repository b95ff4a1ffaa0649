"""What a run asks online: the keywords the offline tables do not know and the papers without a DOI, for
all its records at once, so that the services are asked in as few requests as they allow.

Example::

    with OnlineLookup.from_environment() as lookup:
        answers = gather(map(read_record, paths), "", lookup)
    convert(record, outdir, ConvertOptions(online=answers))
"""

from __future__ import annotations

from collections.abc import Iterable

from ..draft import pmcid_to_cite
from ..errors import ConverterError
from ..mapping import map_record
from ..records import FigureRecord
from .answers import GeneAnswer, OnlineAnswers, PmidAnswer, normal_pmcid
from .lookup import OnlineLookup

__all__ = ["gather"]


def gather(records: Iterable[FigureRecord | None], organism: str, lookup: OnlineLookup) -> OnlineAnswers:
    """The answers for every record (None: one that could not be read, passed by), mapped offline for
    ``organism`` ("" lets each record choose, as conversion does): the unknown keywords of each organism
    in MyGene's batches, the PMCIDs of papers without a DOI in the ID Converter's."""
    words: dict[str, dict[str, None]] = {}
    pmcids: dict[str, None] = {}
    for record in records:
        if record is None:
            continue
        try:
            mapping = map_record(record, organism)
        except ConverterError:  # a damaged table: the conversion reports it
            continue
        words.setdefault(mapping.organism, {}).update(dict.fromkeys(mapping.ask_online))
        if pmcid := normal_pmcid(pmcid_to_cite(record)):
            pmcids[pmcid] = None
    genes: dict[tuple[str, str], GeneAnswer] = {}
    for name, asked in words.items():
        if asked:
            genes.update(((name, word), answer) for word, answer in lookup.genes(list(asked), name).items())
    papers: dict[str, PmidAnswer] = lookup.pmids(list(pmcids)) if pmcids else {}
    return OnlineAnswers(genes, papers)

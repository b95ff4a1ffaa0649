"""What a run asks online: the keywords the offline tables do not know and the papers without a DOI, for
all its records at once, so that the services are asked in as few requests as they allow.

Example::

    with OnlineLookup.from_environment() as lookup:
        answers = gather((questions(read_record(path), "") for path in paths), lookup)
    convert(record, outdir, ConvertOptions(online=answers))
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import NamedTuple

from ..draft import pmcid_to_cite
from ..errors import ConverterError
from ..mapping import map_record
from ..records import FigureRecord, read_record
from ..workers import pooled_chunks
from .answers import GeneAnswer, OnlineAnswers, PmidAnswer, normal_pmcid
from .lookup import OnlineLookup

__all__ = ["Questions", "gather", "questions", "questions_of_files"]

_CHUNK = 64  # records a worker reads per task when the questions of many files are gathered


class Questions(NamedTuple):
    """What one record asks online: the keywords its organism's tables do not know, and the PMCID of its
    paper when it has no DOI (``""`` otherwise)."""

    organism: str
    words: tuple[str, ...]
    pmcid: str


def questions(record: FigureRecord | None, organism: str) -> Questions | None:
    """What a record asks, mapped offline for ``organism`` ("" lets the record choose, as conversion does);
    None for a record that could not be read or whose tables are damaged (its conversion reports why)."""
    if record is None:
        return None
    try:
        mapping = map_record(record, organism)
    except ConverterError:
        return None
    return Questions(mapping.organism, mapping.ask_online, normal_pmcid(pmcid_to_cite(record)))


def questions_of_files(paths: Sequence[str], organism: str, workers: int) -> Iterator[Questions | None]:
    """The questions of each record file, in order, read by ``workers`` processes (one reads them here).
    A chunk whose worker dies is read here instead."""
    ask = partial(_questions_of_files, organism=organism)
    chunks = [list(paths[i : i + _CHUNK]) for i in range(0, len(paths), _CHUNK)]
    if workers <= 1 or len(chunks) <= 1:
        results: Iterable[list[Questions | None]] = map(ask, chunks)
    else:
        results = pooled_chunks(ask, chunks, workers, lost=ask)
    for chunk in results:
        yield from chunk


def _questions_of_files(paths: list[str], organism: str) -> list[Questions | None]:
    return [_questions_of_file(path, organism) for path in paths]


def _questions_of_file(path: str, organism: str) -> Questions | None:
    try:
        return questions(read_record(Path(path)), organism)
    except (ConverterError, OSError, ValueError):  # unreadable: its conversion reports why
        return None


def gather(asked: Iterable[Questions | None], lookup: OnlineLookup) -> OnlineAnswers:
    """The answers to every record's questions (None: a record that asks nothing): the unknown keywords of
    each organism in MyGene's batches, the PMCIDs of papers without a DOI in the ID Converter's."""
    words: dict[str, dict[str, None]] = {}
    pmcids: dict[str, None] = {}
    for question in asked:
        if question is None:
            continue
        words.setdefault(question.organism, {}).update(dict.fromkeys(question.words))
        if question.pmcid:
            pmcids[question.pmcid] = None
    genes: dict[tuple[str, str], GeneAnswer] = {}
    for name, wanted in words.items():
        if wanted:
            genes.update(((name, word), answer) for word, answer in lookup.genes(list(wanted), name).items())
    papers: dict[str, PmidAnswer] = lookup.pmids(list(pmcids)) if pmcids else {}
    return OnlineAnswers(genes, papers)

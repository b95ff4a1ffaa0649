"""``--online`` for convert and batch: gather the answers before converting, and say what was asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

import typer

from .output import usage

if TYPE_CHECKING:
    from ..online.answers import OnlineAnswers
    from ..online.ask import Questions

__all__ = ["ONLINE_HELP", "online_answers"]

ONLINE_HELP = (
    "Look up online what the offline tables do not know: keywords through MyGene.info, the PubMed id of a"
    " paper known by its PMCID through NCBI's PMC ID Converter. Answers are cached in the data folder."
)


def online_answers(asked: Iterable[Questions | None]) -> OnlineAnswers:
    """The answers to the records' questions (:mod:`converter.online.ask`; None: a record that asks
    nothing); one summary line on stderr, and one per kind of failure (a failure never fails a record: its
    draft is made as offline, and says why)."""
    from ..defaults import IDCONV_NAME, MYGENE_NAME
    from ..online import OnlineError, OnlineLookup
    from ..online.answers import FAILED, FOUND
    from ..online.ask import gather

    try:
        lookup = OnlineLookup.from_environment()
    except OnlineError as exc:
        raise usage(f"--online: {exc}") from None
    with lookup:
        answers = gather(asked, lookup)
    genes = Counter(answer.status for answer in answers.genes.values())
    papers = Counter(answer.status for answer in answers.papers.values())
    sent = lookup.counts
    typer.echo(
        f"online: {len(answers.genes)} keywords, {genes[FOUND]} found ({MYGENE_NAME}: "
        f"{sent['genes asked']} asked, {sent['genes from cache']} from the cache); {len(answers.papers)} "
        f"papers, {papers[FOUND]} with a PubMed id ({IDCONV_NAME}: {sent['papers asked']} asked, "
        f"{sent['papers from cache']} from the cache)",
        err=True,
    )
    failures = Counter(a.reason for a in answers.genes.values() if a.status == FAILED)
    failures.update(a.reason for a in answers.papers.values() if a.status == FAILED)
    for reason, count in failures.items():
        typer.echo(f"warning: online: {count} could not be looked up: {reason}", err=True)
    for problem in lookup.problems:
        typer.echo(f"warning: online: {problem}", err=True)
    return answers

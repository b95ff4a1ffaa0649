"""PMCIDs to PubMed ids through NCBI's PMC ID Converter, so a paper known by its PMCID can be cited by PubMed.

One ``GET <endpoint>?ids=PMC1,PMC2,…&idtype=pmcid&format=json&versions=no&tool=…&email=…`` converts up to
200 PMCIDs. NCBI asks every program to name itself (``tool``: pfocr2gpml) and its user's contact
(``email``: ``PFOCR2GPML_EMAIL``, sent when set). The answer is ``{"status": "ok", "records": [...]}``, a
record per id with ``requested-id``, ``pmcid``, ``pmid`` (a number in the current API, a string in the
older one) and ``doi``, or ``status: "error"`` with ``errmsg`` for an id PMC does not know; a refused
request is ``{"status": "error", "errors": [{"message": …}]}``.

Example: ``IdConverter(url).pmids(["PMC7605294"])["PMC7605294"].pmid == "33163378"``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from ..defaults import IDCONV_NAME, ONLINE_TOOL
from .answers import FAILED, FOUND, NOT_FOUND, PmidAnswer, normal_pmcid
from .http import LookupFailed, Service, Settings

__all__ = ["BATCH", "IdConverter"]

log = logging.getLogger(__name__)

#: The converter takes at most this many ids in one request.
BATCH = 200
#: Seconds between two requests: NCBI asks for at most three a second from a program without an API key.
PAUSE = 0.34


class IdConverter:
    """The converter client: ``url`` is its endpoint (the default, or ``PFOCR2GPML_IDCONV_URL``)."""

    def __init__(
        self, url: str, *, settings: Settings | None = None, email: str = "", batch_size: int = BATCH
    ) -> None:
        if not 1 <= batch_size <= BATCH:
            raise ValueError(f"batch_size must be 1 to {BATCH}, not {batch_size}")
        self.service = Service(IDCONV_NAME, url, settings or Settings(), PAUSE)
        self.email, self.batch_size = email, batch_size

    def close(self) -> None:
        """Close the HTTP session."""
        self.service.close()

    def pmids(self, pmcids: Sequence[str]) -> dict[str, PmidAnswer]:
        """One answer per distinct PMCID (keyed as given, asked in upper case), ``batch_size`` a request."""
        answers: dict[str, PmidAnswer] = {}
        wanted: dict[str, None] = {}
        for given in pmcids:
            pmcid = normal_pmcid(given)
            if pmcid:
                wanted.setdefault(pmcid, None)
            else:
                answers[given] = PmidAnswer(
                    given.strip(), NOT_FOUND, reason=f"{given.strip()!r} is not a PMCID"
                )
        found: dict[str, PmidAnswer] = {}
        batch = list(wanted)
        for start in range(0, len(batch), self.batch_size):
            found.update(self._ask(batch[start : start + self.batch_size]))
        return {given: answers.get(given) or found[normal_pmcid(given)] for given in pmcids}

    def _ask(self, pmcids: list[str]) -> dict[str, PmidAnswer]:
        params = {"ids": ",".join(pmcids), "idtype": "pmcid", "format": "json", "versions": "no"}
        params["tool"] = ONLINE_TOOL
        if self.email:
            params["email"] = self.email
        log.info("%s: asking %d PMCIDs", IDCONV_NAME, len(pmcids))
        try:
            records = _records(self.service.request("GET", params=params))
        except LookupFailed as failure:
            log.warning("%s: %d PMCIDs not looked up: %s", IDCONV_NAME, len(pmcids), failure)
            return {pmcid: PmidAnswer(pmcid, FAILED, reason=str(failure)) for pmcid in pmcids}
        missing = f"{IDCONV_NAME} left it out of its answer"
        return {pmcid: records.get(pmcid) or PmidAnswer(pmcid, FAILED, reason=missing) for pmcid in pmcids}


def _records(reply: Any) -> dict[str, PmidAnswer]:
    """The reply's records as answers by PMCID; LookupFailed for a refusal or a reply of another shape."""
    if not isinstance(reply, dict):
        raise LookupFailed(f"{IDCONV_NAME} answered JSON that is not an object ({type(reply).__name__})")
    if reply.get("status") == "error" or not isinstance(reply.get("records"), list):
        errors = [e.get("message") for e in reply.get("errors") or () if isinstance(e, dict)]
        detail = "; ".join(str(e) for e in errors if e) or str(reply.get("message") or "no records")
        raise LookupFailed(f"{IDCONV_NAME} refused the request ({' '.join(detail.split())[:160]})")
    answers = {}
    for record in reply["records"]:
        if not isinstance(record, dict):
            continue
        pmcid = normal_pmcid(str(record.get("requested-id") or record.get("pmcid") or ""))
        if not pmcid:
            continue
        pmid, doi = str(record.get("pmid") or ""), str(record.get("doi") or "")
        if record.get("status") == "error":
            errmsg = " ".join(str(record.get("errmsg") or "unknown to PMC").split())
            answers[pmcid] = PmidAnswer(pmcid, NOT_FOUND, reason=f"{IDCONV_NAME}: {errmsg}")
        elif pmid.isdigit():
            answers[pmcid] = PmidAnswer(pmcid, FOUND, pmid, doi)
        else:
            reason = f"{IDCONV_NAME}: the paper has no PubMed id"
            answers[pmcid] = PmidAnswer(pmcid, NOT_FOUND, doi=doi, reason=reason)
    return answers

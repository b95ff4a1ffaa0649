"""The online clients against a loopback server that answers as MyGene's batch query and NCBI's PMC ID
Converter do (their documented request and answer shapes), including 5xx, 429, timeouts, malformed JSON
and ambiguous hits; and the cache, which makes a second run ask nothing, even with the services gone."""

from __future__ import annotations

import gzip
import json
import shlex
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from converter import defaults
from converter.gene_info import TAXA
from converter.online import (
    GeneAnswer,
    IdConverter,
    MyGene,
    OnlineError,
    OnlineLookup,
    PmidAnswer,
    Settings,
    service_urls,
)
from converter.online.cache import Cache
from converter.online.http import retry_after
from converter.wikipathways import ORGANISMS, TAXIDS

FLY = 7227
MYGENE = defaults.MYGENE_NAME
#: A few rows of NCBI Gene's fly gene_info (GeneID, Symbol, Synonyms cut to those that matter here), enough
#: for every case below; ``test_the_rows_are_true_to_ncbi_gene`` checks them against the whole file.
FLY_GENES = [
    ("37455", "Egfr", ("DER", "EGFR", "Torpedo")),
    ("36054", "egr", ("Eiger", "TNF", "TNF-alpha")),
    ("33432", "dpp", ("BMP", "Dpp")),
    ("40996", "DppIII", ("DPP", "DPP III")),
    ("35047", "dl", ("Dl", "Dorsal")),
    ("42313", "Delta", ("Dl", "delta")),
    ("47396", "mTor", ("TOR", "mTOR")),
    ("53581", "Gclc", ("GCLC", "mTOR")),
    ("36264", "Mgtor", ("MTOR", "Tpr")),
    ("31293", "N", ("dNotch", "notch")),
]
PAPERS = {"PMC7605294": (33163378, "10.4103/tcmj.tcmj_71_20"), "PMC100": (None, "10.1/no-pmid")}


@dataclass
class Seen:
    service: str
    params: dict[str, str]
    status: int


@dataclass
class Scripted:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # a body instead of the real answer
    delay: float = 0.0  # seconds before answering (the real answer, unless status or raw say otherwise)


class FakeServices:
    """MyGene's ``POST /v3/query`` and the converter's ``GET /idconv/`` on 127.0.0.1, recording requests."""

    def __init__(self, genes: list[tuple[str, str, tuple[str, ...]]], taxid: int = FLY) -> None:
        self.names: dict[str, list[tuple[str, str]]] = {}  # casefolded symbol or alias -> (GeneID, symbol)
        for gene_id, symbol, synonyms in genes:
            for name in {symbol, *synonyms}:
                found = self.names.setdefault(name.casefold(), [])
                if (gene_id, symbol) not in found:
                    found.append((gene_id, symbol))
        self.taxid = taxid
        self.seen: list[Seen] = []
        self.scripts: dict[str, list[Scripted]] = {"mygene": [], "idconv": []}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.fake = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)

    def __enter__(self) -> FakeServices:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(5)

    @property
    def root(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, service: str, times: int = 1, **kwargs: Any) -> None:
        self.scripts[service].extend(Scripted(**kwargs) for _ in range(times))

    def calls(self, service: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.service == service]

    def answer(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> Scripted:
        """The scripted answer if one is waiting, else the real one; recorded either way."""
        parts = urlsplit(target)
        service = "mygene" if parts.path == "/v3/query" and method == "POST" else "idconv"
        if service == "mygene":
            form = json.loads(raw) if "json" in headers.get("content-type", "") else _form(raw.decode())
            status, body = self._mygene(form)
        else:
            form = _form(parts.query)
            status, body = (
                self._idconv(form) if parts.path == "/idconv/" else (404, {"error": "no such path"})
            )
        with self.lock:
            scripted = self.scripts[service].pop(0) if self.scripts[service] else Scripted()
            if scripted.status == 200 and scripted.raw is None:
                scripted = Scripted(status, scripted.headers, json.dumps(body).encode(), scripted.delay)
            elif scripted.raw is None:
                scripted.raw = b"<html><body>something went wrong</body></html>"
            self.seen.append(Seen(service, form, scripted.status))
        return scripted

    def _mygene(self, form: dict[str, Any]) -> tuple[int, Any]:
        terms = form["q"] if isinstance(form["q"], list) else _split_ids(form["q"])
        if len(terms) > 1000 or form.get("scopes") != "symbol,alias":
            return 400, {"success": False, "error": "at most 1000 terms, scopes symbol,alias"}
        hits: list[dict[str, Any]] = []
        for term in terms:
            genes = self.names.get(term.casefold(), []) if str(form.get("species")) == str(self.taxid) else []
            hits += [{"query": term, "_id": gid, "_score": 9.5, "entrezgene": int(gid), "symbol": symbol,
                      "taxid": self.taxid} for gid, symbol in genes]  # fmt: skip
            if not genes:
                hits.append({"query": term, "notfound": True})
        return 200, hits

    def _idconv(self, form: dict[str, Any]) -> tuple[int, Any]:
        ids = form["ids"].split(",")
        if len(ids) > 200 or form.get("idtype") != "pmcid" or form.get("format") != "json":
            return 400, {"status": "error", "errors": [{"message": "at most 200 PMCIDs", "code": "too_many"}]}
        records = []
        for pmcid in ids:
            if pmcid not in PAPERS:
                records.append({"requested-id": pmcid, "pmcid": pmcid, "status": "error",
                                "errmsg": "Identifier not found in PMC"})  # fmt: skip
                continue
            pmid, doi = PAPERS[pmcid]
            record = {"requested-id": pmcid, "pmcid": pmcid, "doi": doi}
            records.append({**record, "pmid": pmid} if pmid else record)
        return 200, {"status": "ok", "responseDate": "2026-12-07 10:00:00", "records": records}


def _form(text: str) -> dict[str, Any]:
    return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}


def _split_ids(q: str) -> list[str]:
    """MyGene's own splitting of ``q``: commas, ``+``, ``|`` or white space, quoted phrases kept whole."""
    lex = shlex.shlex(q, posix=True)
    lex.whitespace, lex.whitespace_split, lex.commenters = " \t\n\x0b\x0c\r|,+", True, ""
    return [x.strip() for x in lex if x.strip()]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fake: FakeServices = self.server.fake  # type: ignore[attr-defined]
        headers = {k.lower(): v for k, v in self.headers.items()}
        scripted = fake.answer(self.command, self.path, headers, raw)
        time.sleep(scripted.delay)
        data = scripted.raw or b""
        try:
            self.send_response(scripted.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in scripted.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up waiting (a timeout test)
            pass

    do_GET = do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake() -> Iterator[FakeServices]:
    with FakeServices(FLY_GENES) as services:
        yield services


@pytest.fixture
def waits() -> list[float]:
    """The waits a client asked for (Retry-After, pacing), recorded instead of slept."""
    return []


@pytest.fixture
def settings(waits: list[float]) -> Settings:
    return Settings(
        retries=2, backoff=0.001, timeout=(2.0, 2.0), max_wait=60.0, pause=0.0, sleep=waits.append
    )


def mygene(fake: FakeServices, settings: Settings, **kwargs: Any) -> MyGene:
    return MyGene(fake.root + "/v3", settings=settings, **kwargs)


def lookup(fake: FakeServices, settings: Settings, folder: Path) -> OnlineLookup:
    idconv = IdConverter(fake.root + "/idconv/", settings=settings, email="curator@example.org")
    return OnlineLookup(mygene(fake, settings), idconv, Cache(folder / defaults.ONLINE_CACHE_NAME))


# -- genes -----------------------------------------------------------------------------------------------


def test_symbols_aliases_and_the_official_symbol_first(fake: FakeServices, settings: Settings) -> None:
    answers = mygene(fake, settings).resolve(["Egfr", "TNF", "dpp", "Notch", "EGFR", " Egfr "], FLY)
    assert answers["Egfr"] == GeneAnswer("Egfr", "found", "37455", "Egfr", "symbol")
    assert answers[" Egfr "] == answers["Egfr"]  # looked up without the spaces, asked once
    assert (answers["TNF"].entrez, answers["TNF"].symbol, answers["TNF"].how) == ("36054", "egr", "alias")
    # dpp is also an alias of DppIII, but it is dpp's official symbol: that gene, as offline
    assert (answers["dpp"].entrez, answers["dpp"].how) == ("33432", "symbol")
    assert (answers["Notch"].symbol, answers["Notch"].entrez) == ("N", "31293")
    assert answers["EGFR"].how == "symbol in another case"
    (call,) = fake.calls("mygene")
    assert call.params["q"] == '"Egfr","TNF","dpp","Notch","EGFR"'
    assert (call.params["scopes"], call.params["species"]) == ("symbol,alias", "7227")
    assert call.params["fields"] == "entrezgene,symbol,taxid"


def test_an_ambiguous_term_is_never_guessed(fake: FakeServices, settings: Settings) -> None:
    answers = mygene(fake, settings).resolve(["Dl", "mTOR"], FLY, "Drosophila melanogaster")
    dl, mtor = answers["Dl"], answers["mTOR"]
    assert (dl.status, dl.entrez, dl.symbol) == ("ambiguous", "", "")
    assert dl.candidates == (
        ("Delta", "42313"),
        ("dl", "35047"),
    )  # dorsal's symbol in another case, Delta's alias
    assert dl.reason.startswith("ambiguous: names 2 genes for Drosophila melanogaster")
    assert [symbol for symbol, _ in mtor.candidates] == ["Gclc", "Mgtor", "mTor"]


def test_unknown_terms_and_terms_that_cannot_be_sent(fake: FakeServices, settings: Settings) -> None:
    answers = mygene(fake, settings).resolve(["STAT3", 'say "hi"', "", "IL 6+x"], FLY)
    assert answers["STAT3"].status == "not found" and "not a gene symbol or alias" in answers["STAT3"].reason
    assert answers['say "hi"'].status == "not found" and "not sent" in answers['say "hi"'].reason
    assert answers[""].reason == "empty word"
    assert answers["IL 6+x"].status == "not found"  # a space and a plus stay inside the quoted term
    assert _split_ids(fake.calls("mygene")[0].params["q"]) == ["STAT3", "IL 6+x"]


def test_1001_terms_are_two_requests(fake: FakeServices, settings: Settings) -> None:
    terms = [f"CG{n:05d}" for n in range(1000)] + ["Egfr"]
    answers = mygene(fake, settings).resolve(terms, FLY)
    assert [len(_split_ids(call.params["q"])) for call in fake.calls("mygene")] == [1000, 1]
    assert answers["Egfr"].found and answers["CG00000"].status == "not found"
    with pytest.raises(ValueError):
        MyGene(fake.root, batch_size=1001)


def test_server_errors_are_retried_then_answered(fake: FakeServices, settings: Settings) -> None:
    fake.script("mygene", times=2, status=503)
    assert mygene(fake, settings).resolve(["Egfr"], FLY)["Egfr"].entrez == "37455"
    assert [call.status for call in fake.calls("mygene")] == [503, 503, 200]


def test_server_errors_beyond_the_retries_are_a_failure(fake: FakeServices, settings: Settings) -> None:
    fake.script("mygene", times=3, status=502)
    answer = mygene(fake, settings).resolve(["Egfr"], FLY)["Egfr"]
    assert answer.status == "failed" and answer.reason == f"{MYGENE} answered 502 Bad Gateway after 2 retries"


def test_429_is_waited_as_retry_after_says(
    fake: FakeServices, settings: Settings, waits: list[float]
) -> None:
    fake.script("mygene", status=429, headers={"Retry-After": "2"})
    assert mygene(fake, settings).resolve(["Egfr"], FLY)["Egfr"].found
    assert waits == [2.0] and len(fake.calls("mygene")) == 2


def test_a_wait_longer_than_allowed_is_a_failure(
    fake: FakeServices, settings: Settings, waits: list[float]
) -> None:
    fake.script("mygene", status=429, headers={"Retry-After": "3600"})
    answer = mygene(fake, settings).resolve(["Egfr"], FLY)["Egfr"]
    assert answer.status == "failed" and "kept rate-limiting (429; next wait 3600 s" in answer.reason
    assert waits == []


def test_a_timeout_is_a_failure_with_its_reason(fake: FakeServices, waits: list[float]) -> None:
    fake.script("mygene", delay=0.6)
    quick = Settings(retries=0, backoff=0.001, timeout=(1.0, 0.2), pause=0.0, sleep=waits.append)
    started = time.monotonic()
    answer = mygene(fake, quick).resolve(["Egfr"], FLY)["Egfr"]
    assert time.monotonic() - started < 0.6
    assert answer.status == "failed"
    assert answer.reason.startswith(f"{MYGENE} did not answer in time (timeout: 1 s to connect, 0.2 s")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'[{"query": "Egfr", "_id": "37455"', f"{MYGENE} answered malformed JSON (Expecting"),
        (b'{"success": true}', f"{MYGENE} answered JSON that is not a list of hits (dict)"),
        (b'[{"_id": "37455"}]', f"{MYGENE} answered a hit without its query term"),
    ],
)
def test_malformed_answers_are_failures(
    fake: FakeServices, settings: Settings, raw: bytes, reason: str
) -> None:
    fake.script("mygene", raw=raw)
    answer = mygene(fake, settings).resolve(["Egfr", "dpp"], FLY)["dpp"]
    assert answer.status == "failed" and answer.reason.startswith(reason)


def test_an_unreachable_service_is_a_failure(settings: Settings) -> None:
    with FakeServices(FLY_GENES) as gone:
        root = gone.root
    answer = MyGene(root + "/v3", settings=settings).resolve(["Egfr"], FLY)["Egfr"]
    assert answer.status == "failed" and answer.reason.startswith(f"cannot reach {MYGENE} at 127.0.0.1:")


def test_requests_keep_a_polite_pace(fake: FakeServices, waits: list[float]) -> None:
    paced = Settings(backoff=0.001, pause=0.5, sleep=waits.append)
    mygene(fake, paced, batch_size=2).resolve(["Egfr", "dpp", "TNF", "N"], FLY)
    assert len(fake.calls("mygene")) == 2 and len(waits) == 1 and 0.3 < waits[0] <= 0.5


def test_the_rows_are_true_to_ncbi_gene(gene_info_dir: Path, settings: Settings) -> None:
    """The hand-made rows give the answers the fly gene_info gives (its rows that name any of the words)."""
    words = ["Egfr", "TNF", "dpp", "Notch", "EGFR", "Dl", "mTOR", "STAT3"]
    folded, rows = {word.casefold() for word in words}, []
    with gzip.open(gene_info_dir / "Drosophila_melanogaster.gene_info.gz", "rt", encoding="utf-8") as lines:
        for line in lines:
            cells = line.split("\t")
            names = (cells[2], *cells[4].split("|"))
            if not line.startswith("#") and any(name.casefold() in folded for name in names):
                rows.append((cells[1], cells[2], names[1:]))
    with FakeServices(rows) as whole, FakeServices(FLY_GENES) as few:
        from_file = MyGene(whole.root + "/v3", settings=settings).resolve(words, FLY)
        assert from_file == MyGene(few.root + "/v3", settings=settings).resolve(words, FLY)
    assert len(rows) == 10


# -- papers ----------------------------------------------------------------------------------------------


def test_pmcids_to_pmids(fake: FakeServices, settings: Settings) -> None:
    converter = IdConverter(fake.root + "/idconv/", settings=settings, email="curator@example.org")
    answers = converter.pmids(["PMC7605294", "pmc7605294", "PMC100", "PMC999", "10.1/x"])
    assert answers["PMC7605294"] == PmidAnswer("PMC7605294", "found", "33163378", "10.4103/tcmj.tcmj_71_20")
    assert answers["pmc7605294"] == answers["PMC7605294"]
    assert answers["PMC100"].status == "not found" and answers["PMC100"].reason.endswith("has no PubMed id")
    assert answers["PMC999"].reason == "NCBI's PMC ID Converter: Identifier not found in PMC"
    assert answers["10.1/x"].status == "not found" and "not a PMCID" in answers["10.1/x"].reason
    (call,) = fake.calls("idconv")
    asked = {"ids": "PMC7605294,PMC100,PMC999", "idtype": "pmcid", "format": "json", "versions": "no"}
    assert call.params == {**asked, "tool": "pfocr2gpml", "email": "curator@example.org"}


def test_201_pmcids_are_two_requests_and_a_refusal_is_a_failure(
    fake: FakeServices, settings: Settings
) -> None:
    converter = IdConverter(fake.root + "/idconv/", settings=settings)
    answers = converter.pmids([f"PMC{n}" for n in range(1, 202)])
    assert [len(call.params["ids"].split(",")) for call in fake.calls("idconv")] == [200, 1]
    assert "email" not in fake.calls("idconv")[0].params and answers["PMC100"].status == "not found"
    refusal = {"status": "error", "errors": [{"message": "All values of `ids` must be PMCIDs", "code": "x"}]}
    fake.script("idconv", status=400, raw=json.dumps(refusal).encode())
    fake.script("idconv", raw=json.dumps(refusal).encode())  # the same refusal, as a 200
    reasons = [converter.pmids(["PMC7605294"])["PMC7605294"].reason for _ in range(2)]
    assert reasons == [
        "NCBI's PMC ID Converter answered 400 Bad Request (All values of `ids` must be PMCIDs)",
        "NCBI's PMC ID Converter refused the request (All values of `ids` must be PMCIDs)",
    ]


# -- the cache and the lookup ----------------------------------------------------------------------------


def test_a_second_run_asks_nothing_and_works_with_the_services_gone(
    fake: FakeServices, settings: Settings, tmp_path: Path
) -> None:
    words, papers = ["Egfr", "Dl", "STAT3", "TNF"], ["PMC7605294", "PMC999", "PMC100"]
    with lookup(fake, settings, tmp_path) as first:
        genes, pmids = first.genes(words, "Drosophila melanogaster"), first.pmids(papers)
    assert len(fake.seen) == 2 and first.counts["genes asked"] == 4
    with lookup(fake, settings, tmp_path) as second:
        assert second.genes(words, "Drosophila melanogaster") == genes and second.pmids(papers) == pmids
    assert len(fake.seen) == 2 and second.counts["genes from cache"] == 4
    fake.stop()
    with lookup(fake, settings, tmp_path) as offline:
        again = offline.genes(words, "Drosophila melanogaster")
        assert [a.to_json() for a in again.values()] == [a.to_json() for a in genes.values()]
        assert offline.pmids(papers) == pmids and offline.problems == ()


def test_failures_are_not_cached(fake: FakeServices, settings: Settings, tmp_path: Path) -> None:
    fake.script("mygene", times=3, status=500)
    fake.script("idconv", raw=b"not json")
    with lookup(fake, settings, tmp_path) as first:
        assert first.genes(["Egfr"], "Drosophila melanogaster")["Egfr"].status == "failed"
        assert first.pmids(["PMC7605294"])["PMC7605294"].status == "failed"
    with lookup(fake, settings, tmp_path) as second:
        assert second.genes(["Egfr"], "Drosophila melanogaster")["Egfr"].found
        assert second.pmids(["PMC7605294"])["PMC7605294"].pmid == "33163378"
    assert second.counts == {
        "genes asked": 1,
        "papers asked": 1,
        "genes from cache": 0,
        "papers from cache": 0,
    }


def test_cache_rows_are_per_taxon_and_the_file_is_made_on_first_answer(fake: FakeServices, settings: Settings,
                                                                      tmp_path: Path) -> None:  # fmt: skip
    folder = tmp_path / "not-yet"
    fake.script("mygene", times=3, status=500)
    with lookup(fake, settings, folder) as first:
        assert first.genes(["Egfr"], "Homo sapiens")["Egfr"].status == "failed"
        assert not folder.exists()  # nothing to keep: a read creates nothing
        assert first.genes(["Egfr"], "Homo sapiens")["Egfr"].status == "not found"  # the fake knows fly only
        assert first.genes(["Egfr"], "Drosophila melanogaster")["Egfr"].found
    with sqlite3.connect(folder / defaults.ONLINE_CACHE_NAME) as db:
        rows = sorted(db.execute("SELECT taxid, term, answer FROM mygene"))
    assert rows[0] == (7227, "Egfr", '{"entrez":"37455","how":"symbol","status":"found","symbol":"Egfr"}')
    assert rows[1][:2] == (9606, "Egfr")


def test_an_unusable_cache_is_reported_and_passed_by(
    fake: FakeServices, settings: Settings, tmp_path: Path
) -> None:
    (tmp_path / defaults.ONLINE_CACHE_NAME).write_bytes(b"this is not a database, just some bytes" * 50)
    with lookup(fake, settings, tmp_path) as online:
        assert online.genes(["Egfr"], "Drosophila melanogaster")["Egfr"].found
        assert online.genes(["dpp"], "Drosophila melanogaster")["dpp"].found
    (problem,) = online.problems
    assert "is damaged" in problem and "delete it to start afresh; looked up without the cache" in problem


def test_an_organism_without_a_taxid_asks_nothing(
    fake: FakeServices, settings: Settings, tmp_path: Path
) -> None:
    with lookup(fake, settings, tmp_path) as online:
        answer = online.genes(["Egfr"], "Homo erectus")["Egfr"]
    assert answer.status == "failed" and "no NCBI Taxonomy id known for 'Homo erectus'" in answer.reason
    assert fake.seen == []


def test_base_urls_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, fake: FakeServices, tmp_path: Path
) -> None:
    assert all(
        url.startswith("https://") for url in (defaults.DEFAULT_MYGENE_URL, defaults.DEFAULT_IDCONV_URL)
    )
    monkeypatch.setenv(defaults.MYGENE_URL_ENV, fake.root + "/v3/")
    monkeypatch.setenv(defaults.IDCONV_URL_ENV, fake.root + "/idconv/")
    monkeypatch.setenv(defaults.EMAIL_ENV, "me@example.org")
    assert service_urls() == (fake.root + "/v3/", fake.root + "/idconv/")
    fast = Settings(backoff=0.001, pause=0.0)
    with OnlineLookup.from_environment(tmp_path, fast) as online:
        assert online.pmids(["PMC7605294"])["PMC7605294"].found
        assert online.genes(["Egfr"], "Drosophila melanogaster")["Egfr"].found
    assert fake.calls("mygene")[0].params["email"] == "me@example.org"
    assert (tmp_path / defaults.ONLINE_CACHE_NAME).is_file()
    monkeypatch.setenv(defaults.MYGENE_URL_ENV, "http://10.0.0.1/v3")
    with pytest.raises(OnlineError, match="PFOCR2GPML_MYGENE_URL must be an https:// URL"):
        OnlineLookup.from_environment(tmp_path)


def test_cached_answers_round_trip_and_junk_rows_are_asked_again() -> None:
    ambiguous = GeneAnswer("Dl", "ambiguous", candidates=(("Delta", "42313"), ("dl", "35047")), reason="x")
    assert GeneAnswer.from_json("Dl", ambiguous.to_json()) == ambiguous
    assert PmidAnswer.from_json("PMC1", PmidAnswer("PMC1", "found", "1").to_json()) == PmidAnswer(
        "PMC1", "found", "1"
    )
    for junk in ("", "[]", '{"status": "maybe"}', '{"colour": "red"}', "{"):
        assert GeneAnswer.from_json("Dl", junk) is None and PmidAnswer.from_json("PMC1", junk) is None


def test_taxids_agree_with_the_gene_info_taxa_and_wikipathways() -> None:
    assert set(TAXIDS) <= set(ORGANISMS)
    for taxon in TAXA.values():  # NCBI Gene's strain where gene_info has two taxids (yeast: 4932, 559292)
        assert str(TAXIDS[taxon.organism]) in {
            t for t, other in TAXA.items() if other.organism == taxon.organism
        }
    assert TAXIDS["Saccharomyces cerevisiae"] == 559292


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after("7") == 7.0 and retry_after(" 0 ") == 0.0 and retry_after(None) is None
    assert retry_after("soon") is None and retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    later = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 90))
    assert 85 < (retry_after(later) or 0) <= 90

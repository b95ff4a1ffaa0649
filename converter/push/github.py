"""A small GitHub REST client for ``push``: retries, pacing, rate limits, and a token that never leaks.

urllib3's ``Retry`` (mounted on a requests ``Session``) retries connection errors and 5xx answers with
exponential backoff, honouring ``Retry-After``. GitHub's rate limits come as 403 *or* 429 and name
their own wait (``Retry-After``, or ``X-RateLimit-Remaining: 0`` with ``X-RateLimit-Reset``, else "at
least a minute"), which ``Retry`` cannot tell from a refusal, so :class:`GitHub` handles them, with a cap.
A ``POST`` is never retried blindly: :meth:`GitHub.create` first asks whether the thing now exists.

Offline (a dry run), nothing is sent: each request is only described, and answered by a given function.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from urllib3.util.retry import Retry

from ..errors import PushError
from ..http import acceptable_url, retry_after, session

__all__ = [
    "SCOPES_HINT",
    "AuthError",
    "GitHub",
    "GitHubError",
    "Offline",
    "Reply",
    "UnavailableError",
    "offline_answers",
    "redact",
]

#: Answers a request that is not sent (a dry run): ``(method, path) -> Reply``.
Offline = Callable[[str, str], "Reply"]

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: GitHub's published content-creation limits: (window in seconds, requests allowed in it).
CONTENT_LIMITS = ((60.0, 80), (3600.0, 500))
SCOPES_HINT = (
    "a classic token needs the public_repo scope (repo for a private repository); a fine-grained token "
    "works only on repositories you own or are a member of, with Contents and Pull requests read/write "
    "(and Administration write to create the fork)"
)


class GitHubError(PushError):
    """GitHub refused a request; ``status`` is the HTTP status (0 when no answer came)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class AuthError(GitHubError):
    """The token was rejected (401): nothing else can succeed, so the run stops."""


class UnavailableError(GitHubError):
    """GitHub cannot be reached, keeps failing, or keeps rate-limiting: the run stops, to be resumed later."""


class _NetworkError(UnavailableError):
    """No answer at all (after urllib3's retries): a POST may or may not have happened."""


@dataclass(frozen=True)
class Reply:
    """One answer: HTTP status and the decoded JSON body (``None`` when empty or not JSON)."""

    status: int
    data: Any
    headers: Mapping[str, str]

    @property
    def message(self) -> str:
        """GitHub's ``message`` and any ``errors[].message``, on one line."""
        if not isinstance(self.data, dict):
            return ""
        parts = [str(self.data.get("message", ""))]
        for err in self.data.get("errors") or []:
            parts.append(
                str(err.get("message") or err.get("code", "")) if isinstance(err, dict) else str(err)
            )
        return "; ".join(" ".join(p.split()) for p in parts if p)


def redact(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of ``secret`` replaced by ``***``."""
    return text.replace(secret, "***") if secret else text


class _Retry(Retry):
    # 429 is GitHub's rate limit: the client waits for it as GitHub says, instead of backing off blindly.
    RETRY_AFTER_STATUS_CODES = frozenset({503})


class GitHub:
    """Talks to one GitHub API (``api_url``) with one token; paces content-creating requests.

    ``on_request`` receives one line per request (method, URL, short body summary; never the token).
    """

    def __init__(
        self,
        api_url: str,
        token: str | None,
        *,
        retries: int = 5,
        backoff: float = 1.0,
        pause: float = 1.0,
        max_wait: float = 900.0,
        offline: Offline | None = None,
        on_request: Callable[[str], None] | None = None,
    ) -> None:
        self.api_url = _checked_url(api_url)
        self.retries, self.backoff, self.pause, self.max_wait = retries, backoff, pause, max_wait
        self._token = token
        self._offline = offline
        self._on_request = on_request
        self._recent: collections.deque[float] = collections.deque()
        self._session = None if offline else _session(token, retries, backoff)

    def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            self._session.close()

    def redact(self, text: str) -> str:
        """``text`` without the token."""
        return redact(text, self._token)

    def get(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET ``path``: the JSON on 200, ``None`` on 404; a GitHubError otherwise."""
        reply = self.send("GET", path, params=params)
        if reply.status == 404:
            return None
        if reply.status >= 300:
            raise self.error("GET", path, reply)
        return reply.data

    def create(self, path: str, body: Mapping[str, Any], find: Callable[[], Any]) -> Any:
        """POST ``path`` once, and retry only after ``find()`` says the thing still does not exist.

        A POST whose answer was lost (5xx, a dropped connection) may have succeeded; GitHub then refuses
        the repeat with 422 ("already exists"), so ``find()`` is asked in both cases.
        """
        reply: Reply | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.backoff * 2.0**attempt, 60.0))
            try:
                reply = self.send("POST", path, body=body)
            except _NetworkError:
                if attempt == self.retries:
                    raise
                reply = None
            if reply is not None and reply.status < 300:
                return reply.data
            if reply is not None and reply.status < 500 and reply.status != 422:
                raise self.error("POST", path, reply)
            found = find()  # after a lost answer (no reply, 5xx) or "already exists" (422)
            if found is not None:
                return found
            if reply is not None and reply.status == 422:
                raise self.error("POST", path, reply)
        assert reply is not None  # every attempt without a reply re-raised on the last one
        raise self.error("POST", path, reply)

    def send(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: Any = None
    ) -> Reply:
        """Send one request (retrying as described above); any status comes back as a Reply."""
        url = self.api_url + path
        self._describe(method, url, params, body)
        if self._offline is not None:
            return self._offline(method, path)
        attempt = 0
        while True:
            self._pace(method)
            reply = self._once(method, url, params, body)
            wait = _rate_limit_wait(reply, attempt, self.backoff)
            if wait is None:
                return reply
            if wait > self.max_wait or attempt >= self.retries:
                raise UnavailableError(self._limited(reply, wait), reply.status)
            log.warning(
                "GitHub rate limit (%s): waiting %.0f s, then %s %s again", reply.status, wait, method, path
            )
            time.sleep(wait)
            attempt += 1

    def error(self, method: str, path: str, reply: Reply) -> GitHubError:
        """A clear, one-line, token-free error for a refused request."""
        status, detail = reply.status, reply.message or "no message"
        if status == 401:
            text = f"GitHub rejected the token (401 {detail}): set GITHUB_TOKEN or GH_TOKEN to a valid token"
            return AuthError(self.redact(text), status)
        texts = {
            403: f"no permission for {method} {path} (403 {detail}); {SCOPES_HINT}",
            404: f"not found: {method} {path} (404): no such repository or branch, or the token can't see it",
            409: f"conflict on {method} {path} (409 {detail}): the branch moved meanwhile; push again",
            422: f"GitHub did not accept {method} {path} (422 {detail})",
        }
        text = texts.get(status, f"GitHub answered {status} to {method} {path} ({detail})")
        kind = UnavailableError if status >= 500 else GitHubError
        return kind(self.redact(text), status)

    def _once(self, method: str, url: str, params: Mapping[str, str] | None, body: Any) -> Reply:
        assert self._session is not None
        try:
            response = self._session.request(method, url, params=params, json=body, timeout=(10, 60))
        except requests.RequestException as exc:
            text = f"cannot reach {urlsplit(url).netloc} after {self.retries} retries: {type(exc).__name__}"
            raise _NetworkError(self.redact(text)) from None
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        return Reply(response.status_code, data, response.headers)

    def _pace(self, method: str) -> None:
        """Keep content-creating requests a pause apart and under GitHub's per-minute and per-hour limits."""
        if method not in MUTATING:
            return
        now = time.monotonic()
        waits = [self._recent[-1] + self.pause - now] if self._recent else []
        for window, allowed in CONTENT_LIMITS:
            inside = [t for t in self._recent if t > now - window]
            if len(inside) >= allowed:
                waits.append(inside[-allowed] + window - now)
        wait = max(waits, default=0.0)
        if wait > 0:
            if wait > 5:
                log.info("pacing content creation under GitHub's limits: waiting %.0f s", wait)
            time.sleep(wait)
        self._recent.append(time.monotonic())
        while self._recent and self._recent[0] < time.monotonic() - CONTENT_LIMITS[-1][0]:
            self._recent.popleft()

    def _limited(self, reply: Reply, wait: float) -> str:
        detail = reply.message or "rate limit"
        return self.redact(
            f"GitHub keeps rate-limiting ({reply.status} {detail}; next wait {wait:.0f} s); "
            "stopped here — run the same push later to resume"
        )

    def _describe(self, method: str, url: str, params: Mapping[str, str] | None, body: Any) -> None:
        if self._on_request is None:
            return
        query = "&".join(f"{k}={v}" for k, v in (params or {}).items())
        line = f"{method} {url}" + (f"?{query}" if query else "")
        if isinstance(body, Mapping):
            line += " " + " ".join(f"{k}={_short(k, v)}" for k, v in body.items())
        self._on_request(self.redact(line))


def _checked_url(api_url: str) -> str:
    if acceptable_url(api_url):
        return api_url.rstrip("/")
    raise PushError(f"--api-url must be an https:// URL (plain http only on loopback); got {api_url!r}")


def _session(token: str | None, retries: int, backoff: float) -> requests.Session:
    headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": API_VERSION}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    retry = _Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=(500, 502, 503, 504),
        # POST is left out: create() checks for the result before it repeats one.
        allowed_methods=frozenset({"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    return session(headers, retry)


def _rate_limit_wait(reply: Reply, attempt: int, backoff: float) -> float | None:
    """Seconds GitHub asks us to wait, or ``None`` when ``reply`` is not a rate limit."""
    if reply.status not in (403, 429):
        return None
    headers = reply.headers
    asked = retry_after(headers.get("Retry-After"))
    if asked is not None:
        return asked
    if headers.get("X-RateLimit-Remaining") == "0" and headers.get("X-RateLimit-Reset", "").isdigit():
        return max(0.0, float(headers["X-RateLimit-Reset"]) - time.time()) + 1.0
    if reply.status == 429 or "rate limit" in reply.message.lower():
        return 60.0 * backoff * 2.0**attempt  # GitHub: "wait for at least one minute", then longer
    return None


def _short(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if key == "content":
        return f"<{len(text)} characters of base64>"
    if key == "body":
        return f"<{len(text)} characters of Markdown>"
    line = text.splitlines()[0] if text else ""
    line = line if len(line) <= 72 else line[:71] + "…"
    return repr(line) if line != text or " " in line else line


def offline_answers(repo: str, base: str, user: str = "<you>") -> Offline:
    """Answers for a dry run: ``repo``, its ``base`` branch and ``user``'s fork exist; nothing was pushed."""
    name = repo.split("/")[-1]

    def answer(method: str, path: str) -> Reply:
        parts = path.strip("/").split("/")
        if method != "GET":
            return Reply(201, {"full_name": f"{user}/{name}", "html_url": "", "number": 0}, {})
        if parts == ["user"]:
            return Reply(200, {"login": user}, {})
        if parts[-1] == "pulls":
            return Reply(200, [], {})
        if path.endswith(f"/git/ref/heads/{quote(base)}"):
            return Reply(200, {"object": {"sha": "<sha of the base branch>"}}, {})
        if len(parts) == 3:
            found = {"full_name": f"{parts[1]}/{parts[2]}", "fork": parts[1] == user}
            return Reply(200, {**found, "parent": {"full_name": repo}}, {})
        return Reply(404, {"message": "Not Found"}, {})

    return answer

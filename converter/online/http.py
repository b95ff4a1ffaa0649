"""The HTTP the online clients share: retries, a polite pace, a timeout on every call, one-line failures.

urllib3's ``Retry`` (mounted on a requests ``Session``) retries connection errors, read timeouts and 5xx
answers with exponential backoff. A 429 names its own wait (``Retry-After``), which :class:`Service` honours
up to ``max_wait`` and no further. Consecutive requests to one service start at least ``pause`` seconds
apart. Whatever goes wrong comes back as :class:`LookupFailed`, whose text is one line a user can read:
the clients turn it into a *failed* answer, never into a failed record.

Example: ``Service("MyGene", url).request("POST", "/query", data={"q": '"Egfr"'})`` is the decoded JSON.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, MaxRetryError, NewConnectionError, ReadTimeoutError
from urllib3.util.retry import Retry

from ..errors import ConverterError
from ..http import acceptable_url, retry_after, session

__all__ = ["LookupFailed", "OnlineError", "Service", "Settings", "checked_url", "retry_after"]

log = logging.getLogger(__name__)

RETRIED_STATUSES = (500, 502, 503, 504)
_LONGEST_DETAIL = 160


class OnlineError(ConverterError):
    """The online mode cannot be used as set up: a base URL that is not https, a damaged cache."""


class LookupFailed(OnlineError):
    """One request failed for good (after retries); the text is one line saying what and why."""


@dataclass(frozen=True)
class Settings:
    """How one client talks to its service. ``pause`` None: the service's own polite pause.

    ``timeout`` is (connect, read) seconds for every request; ``max_wait`` caps a 429's ``Retry-After``;
    ``sleep`` is how waits are spent (tests record them instead).
    """

    retries: int = 3
    backoff: float = 0.5
    timeout: tuple[float, float] = (10.0, 60.0)
    max_wait: float = 120.0
    pause: float | None = None
    sleep: Callable[[float], None] = time.sleep


def checked_url(url: str, what: str) -> str:
    """``url`` when it is https (plain http only on loopback); else OnlineError naming ``what``."""
    if acceptable_url(url):
        return url.strip()
    raise OnlineError(f"{what} must be an https:// URL (plain http only on loopback); got {url!r}")


class Service:
    """One service at one base URL: a session with retries, the pace, and decoding of JSON answers."""

    def __init__(self, name: str, url: str, settings: Settings, pause: float) -> None:
        self.name, self.url, self.settings = name, url, settings
        self.pause = settings.pause if settings.pause is not None else pause
        self._last: float | None = None
        self._session = _session(settings.retries, settings.backoff)

    def close(self) -> None:
        """Close the HTTP session."""
        self._session.close()

    def request(
        self, method: str, path: str = "", *, params: Mapping[str, str] | None = None, data: Any = None
    ) -> Any:
        """Send one request to ``url + path`` and return its decoded JSON; LookupFailed when that fails."""
        attempt = 0
        while True:
            self._pace()
            response = self._send(method, self.url + path, params, data)
            if response.status_code != 429:
                return self._decode(response)
            wait = retry_after(response.headers.get("Retry-After"))
            if wait is None:
                wait = self.settings.backoff * 2.0**attempt
            if attempt >= self.settings.retries or wait > self.settings.max_wait:
                raise LookupFailed(
                    f"{self.name} kept rate-limiting (429; next wait {wait:.0f} s, {attempt} waits so far, "
                    f"at most {self.settings.max_wait:.0f} s each): try again later"
                )
            log.warning("%s rate limit (429): waiting %.1f s, then asking again", self.name, wait)
            self.settings.sleep(wait)
            attempt += 1

    def _pace(self) -> None:
        """Start requests at least ``pause`` seconds apart."""
        if self._last is not None:
            wait = self._last + self.pause - time.monotonic()
            if wait > 0:
                self.settings.sleep(wait)
        self._last = time.monotonic()

    def _send(self, method: str, url: str, params: Mapping[str, str] | None, data: Any) -> requests.Response:
        try:
            return self._session.request(method, url, params=params, data=data, timeout=self.settings.timeout)
        except requests.RequestException as exc:
            tries = f"{self.settings.retries} retries"
            if _is_timeout(exc):
                connect, read = self.settings.timeout
                limits = f"{connect:g} s to connect, {read:g} s to answer"
                raise LookupFailed(
                    f"{self.name} did not answer in time (timeout: {limits}; {tries})"
                ) from None
            raise LookupFailed(
                f"cannot reach {self.name} at {urlsplit(url).netloc} ({type(exc).__name__}; {tries})"
            ) from None

    def _decode(self, response: requests.Response) -> Any:
        status = response.status_code
        if status >= 300:
            detail = _detail(response)
            after = f" after {self.settings.retries} retries" if status in RETRIED_STATUSES else ""
            text = f"{self.name} answered {status} {response.reason or ''}".rstrip()
            raise LookupFailed(text + (f" ({detail})" if detail else "") + after)
        try:
            return response.json()
        except ValueError as exc:
            raise LookupFailed(f"{self.name} answered malformed JSON ({_one_line(str(exc))})") from None


def _is_timeout(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.Timeout):
        return True
    reason = exc.args[0].reason if exc.args and isinstance(exc.args[0], MaxRetryError) else None
    # urllib3 derives a refused connection (NewConnectionError) from ConnectTimeoutError
    timeout = isinstance(reason, (ReadTimeoutError, ConnectTimeoutError))
    return timeout and not isinstance(reason, NewConnectionError)


def _detail(response: requests.Response) -> str:
    """The service's own words for a refusal (``error``, ``message``, ``errors[].message``), else ""."""
    try:
        data = response.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data[key]) for key in ("error", "message", "reason") if isinstance(data.get(key), str)]
    for error in data.get("errors") or []:
        if isinstance(error, dict) and error.get("message"):
            parts.append(str(error["message"]))
    return _one_line("; ".join(parts))


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _LONGEST_DETAIL else line[: _LONGEST_DETAIL - 1] + "…"


def _session(retries: int, backoff: float) -> requests.Session:
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=RETRIED_STATUSES,
        # Both services' requests only read: a POST to MyGene's query is as safe to repeat as a GET.
        allowed_methods=frozenset({"GET", "POST"}),
        # A 503's Retry-After would be waited without a cap; the backoff is used instead.
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    return session({"Accept": "application/json"}, retry)

"""What the two HTTP clients share (GitHub for ``push``, the online services for ``--online``): which base
URLs they accept, how a ``Retry-After`` is read, and a requests session with urllib3 retries.

Example: ``session({"Accept": "application/json"}, Retry(total=3))``.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import __version__

__all__ = ["LOOPBACK", "USER_AGENT", "acceptable_url", "retry_after", "session"]

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
USER_AGENT = f"pfocr2gpml/{__version__}"


def acceptable_url(url: str) -> bool:
    """True for an https URL with a host, or plain http on loopback (tests, a local mirror)."""
    parts = urlsplit(url.strip())
    return (parts.scheme == "https" and bool(parts.hostname)) or (
        parts.scheme == "http" and parts.hostname in LOOPBACK
    )


def retry_after(value: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delay-seconds or an HTTP date), or None without one."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(text)
    return max(0.0, email.utils.mktime_tz(parsed) - time.time()) if parsed else None


def session(headers: Mapping[str, str], retry: Retry) -> requests.Session:
    """A session sending ``headers`` (and pfocr2gpml's User-Agent), retrying as ``retry`` says."""
    made = requests.Session()
    made.headers.update({"User-Agent": USER_AGENT, **headers})
    adapter = HTTPAdapter(max_retries=retry)
    made.mount("https://", adapter)
    made.mount("http://", adapter)
    return made

"""The online answers kept on disk: one SQLite file in the data folder, so a second run asks nothing again.

A table per service (``mygene``, ``idconv``), each row one answer: ``(taxid, term) -> answer``, the answer
being the canonical JSON its client writes (``taxid`` 0 for papers), and the UTC time it was fetched.
Found, ambiguous and not-found answers are kept; failures are not (the clients never hand them over), so
a later run asks again for exactly those. A read never creates anything: the folder and the file are made
by the first answer stored. Several processes may share the file (SQLite's write-ahead log; a writer
waits for another).

Example: ``Cache(folder / "online-cache.sqlite").get("mygene", 7227, ["Egfr"])`` is ``{"Egfr": "{…}"}``.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

from .http import OnlineError

__all__ = ["SERVICES", "Cache"]

log = logging.getLogger(__name__)

SERVICES = ("mygene", "idconv")
_SCHEMA = 1
_CHUNK = 500  # terms per SELECT, under SQLite's limit on bound parameters
_WAIT = 30.0  # seconds a writer waits for another process's write


class Cache:
    """One cache file (``path``); opened on first use, closed by :meth:`close`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None

    def close(self) -> None:
        """Close the file."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def get(self, service: str, taxid: int, terms: Iterable[str]) -> dict[str, str]:
        """The kept answers of ``service`` for those ``terms`` it has; OnlineError for an unreadable file."""
        table = _table(service)
        wanted = list(dict.fromkeys(terms))
        if not wanted or not self._open(create=False):
            return {}
        assert self._db is not None
        found: dict[str, str] = {}
        try:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT term, answer FROM {table} WHERE taxid = ? AND term IN ({marks})", (taxid, *chunk)
                )
                found.update(rows)
        except sqlite3.Error as exc:
            raise self._damaged(exc) from exc
        return found

    def put(self, service: str, taxid: int, answers: Mapping[str, str]) -> None:
        """Keep ``answers`` (term -> answer text), replacing older ones; OnlineError when it cannot."""
        table = _table(service)
        if not answers:
            return
        self._open(create=True)
        assert self._db is not None
        fetched = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        rows = [(taxid, term, answer, fetched) for term, answer in answers.items()]
        try:
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?, ?)", rows)
        except sqlite3.Error as exc:
            raise OnlineError(f"cannot write the online cache {self.path}: {exc}") from exc

    def _open(self, create: bool) -> bool:
        """Connect (making the folder, file and tables when ``create``); False when there is no cache yet."""
        if self._db is not None:
            return True
        if not create and not self.path.is_file():
            return False
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=_WAIT)
        except (OSError, sqlite3.Error) as exc:
            raise OnlineError(f"cannot open the online cache {self.path}: {exc}") from exc
        try:
            ready = self._prepare(db, create)
        except sqlite3.Error as exc:
            db.close()
            raise self._damaged(exc) from exc
        except OnlineError:
            db.close()
            raise
        if not ready:
            db.close()
            return False
        self._db = db
        return True

    def _prepare(self, db: sqlite3.Connection, create: bool) -> bool:
        """True when ``db`` holds the tables (made now when ``create``); sqlite3.Error for a file that is no
        database."""
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version == _SCHEMA:
            return True
        if version != 0:
            raise OnlineError(
                f"the online cache {self.path} was written by another version of pfocr2gpml "
                f"(schema {version}); delete it to start afresh"
            )
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if not create:
            return False
        db.execute("PRAGMA journal_mode=WAL")
        with db:
            for table in SERVICES:
                db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (taxid INTEGER NOT NULL, term TEXT NOT NULL, "
                    "answer TEXT NOT NULL, fetched TEXT NOT NULL, PRIMARY KEY (taxid, term)) WITHOUT ROWID"
                )
            db.execute(f"PRAGMA user_version = {_SCHEMA}")
        return True

    def _damaged(self, exc: sqlite3.Error) -> OnlineError:
        return OnlineError(f"the online cache {self.path} is damaged ({exc}); delete it to start afresh")


def _table(service: str) -> str:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; one of {', '.join(SERVICES)}")
    return service

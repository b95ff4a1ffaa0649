"""The run ledger: one SQLite file in OUTDIR (``pfocr2gpml.sqlite``) that batch and push share.

Tables: ``figures`` (one row per figure of a batch, keyed by its figid: what became of it and the hashes
resume relies on; an input that failed before its figid was known is keyed by its path), ``runs`` (the
latest batch run) and ``pushes`` (one row per figure pushed to GitHub). This module owns their schema and
every statement on them; an older ledger is brought up to date when opened. :func:`locked` keeps a second
run out of an OUTDIR in use.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import operator
import os
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from ..defaults import LEDGER_NAME
from ..errors import ConverterError

__all__ = [
    "COLUMNS",
    "LEDGER_NAME",
    "LOCK_NAME",
    "LedgerError",
    "Outcome",
    "OutdirBusy",
    "PushRow",
    "locked",
    "open_ledger",
    "previous",
    "push_row",
    "read_only",
    "record_outcomes",
    "record_push",
    "related_of",
    "row_values",
    "start_run",
]

#: The lock file a run holds in OUTDIR; it names the process holding it.
LOCK_NAME = "pfocr2gpml.lock"


class OutdirBusy(ConverterError):
    """Another run holds OUTDIR."""


class LedgerError(ConverterError):
    """The ledger cannot be written (a full disk, a damaged file)."""


@dataclass(frozen=True)
class Outcome:
    """What became of one input of a batch; also its row in ``figures``."""

    source: str
    status: str  # converted | failed | skipped
    figid: str = ""
    error: str = ""
    input_sha256: str = ""
    output_sha256: str = ""
    output: str = ""
    title: str = ""
    organism: str = ""
    genes: int = 0
    chemicals: int = 0
    diseases: int = 0
    mapped: int = 0
    unmapped: int = 0
    unmapped_terms: str = ""
    validation: str = ""
    warnings: int = 0
    pfocr_url: str = ""
    paper_url: str = ""
    seconds: float = 0.0
    literature: str = ""  # the reference as DATABASE:ID
    warning_texts: str = ""
    preview_sha256: str = ""  # of the SVG drawn from this draft; "" when none was
    related: str = (
        ""  # the WikiPathways pathways sharing its genes, best first, as JSON (batch --wikipathways)
    )
    best_p_value: float = 1.0  # of the best related pathway; 1 when none
    best_share: float = 0.0  # the largest share of the draft's genes one pathway holds

    @property
    def key(self) -> str:
        """The row's key: the figid, the figure's identity whatever path it was read from; the path for an
        input without one or whose figid another input of the run holds."""
        return self.figid if self.figid and not self.error else f"source:{self.source}"


#: The ``figures`` columns, in Outcome's order.
COLUMNS = tuple(f.name for f in fields(Outcome))
# Outcome's annotations, as text, and the column each gives (with a default: rows of an older ledger)
_SQL_TYPES = {"int": "INTEGER DEFAULT 0", "float": "REAL DEFAULT 0", "str": "TEXT DEFAULT ''"}
_COLUMN_TYPES = {f.name: _SQL_TYPES[str(f.type)] for f in fields(Outcome)}
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS figures (
    key TEXT PRIMARY KEY,
    {", ".join(f"{name} {kind}" for name, kind in _COLUMN_TYPES.items())},
    run TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_run ON figures (run);
CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, started TEXT);
CREATE TABLE IF NOT EXISTS pushes (
    figid TEXT PRIMARY KEY, sha256 TEXT, repo TEXT, branch TEXT, pr_url TEXT, state TEXT, updated TEXT
);
"""
_INSERT = (
    f"INSERT OR REPLACE INTO figures (key, {', '.join(COLUMNS)}, run)"
    f" VALUES (?, {', '.join('?' * len(COLUMNS))}, ?)"
)
_SKIPPED = "UPDATE figures SET status = 'skipped', source = ?, preview_sha256 = ?, run = ? WHERE key = ?"
#: An outcome's values in COLUMNS order.
row_values = operator.attrgetter(*COLUMNS)


def open_ledger(outdir: Path) -> sqlite3.Connection:
    """The ledger of OUTDIR, created on first use, in WAL mode (readers while the batch writes).

    Raises LedgerError, and only that, when it cannot be opened or brought up to date.
    """
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(outdir / LEDGER_NAME, timeout=30)
    except (OSError, sqlite3.Error) as exc:
        raise LedgerError(f"{outdir / LEDGER_NAME}: cannot use the ledger: {exc}") from exc
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        _upgrade(db)
        db.executescript(_SCHEMA)
        present = {row[1] for row in db.execute("PRAGMA table_info(figures)")}
        for name, kind in _COLUMN_TYPES.items():
            if name not in present:
                db.execute(f"ALTER TABLE figures ADD COLUMN {name} {kind}")
        db.commit()
    except sqlite3.Error as exc:
        db.close()
        raise LedgerError(f"{outdir / LEDGER_NAME}: cannot use the ledger: {exc}") from exc
    return db


def _upgrade(db: sqlite3.Connection) -> None:
    """Bring a ledger written by an older version up to date: figures keyed by figid, newer columns added."""
    present = [row[1] for row in db.execute("PRAGMA table_info(figures)")]
    if not present or "key" in present:
        return
    db.execute("ALTER TABLE figures RENAME TO figures_before")
    db.execute("DROP INDEX IF EXISTS figures_run")
    db.executescript(_SCHEMA)
    kept = [name for name in (*COLUMNS, "run") if name in present]
    key = "CASE WHEN figid != '' AND error = '' THEN figid ELSE 'source:' || source END"
    listed = ", ".join(kept)
    # Several old rows (one input spelt several ways) may give one key: the latest run's wins.
    db.execute(
        f"INSERT OR REPLACE INTO figures (key, {listed})"
        f" SELECT {key}, {listed} FROM figures_before ORDER BY run"
    )
    db.execute("DROP TABLE figures_before")


def read_only(outdir: Path) -> sqlite3.Connection | None:
    """A read-only connection to OUTDIR's ledger (a batch worker's, or push's), or None without one."""
    path = outdir / LEDGER_NAME
    if not path.is_file():
        return None
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def start_run(db: sqlite3.Connection, run: str, started: str) -> None:
    """Make ``run`` the ledger's latest run (each row it records names it)."""
    db.execute("DELETE FROM runs")
    db.execute("INSERT INTO runs VALUES (?, ?)", (run, started))
    db.commit()


def record_outcomes(db: sqlite3.Connection, outcomes: Iterable[Outcome], run: str) -> None:
    """Write outcomes (one statement each kind, not one per row); the caller commits. LedgerError when the
    ledger cannot be written."""
    # A skipped figure keeps the details of the conversion that made its file: only where it was read
    # from, its preview (redrawn when it was missing) and the run change.
    listed = list(outcomes)
    skipped = [(o.source, o.preview_sha256, run, o.key) for o in listed if o.status == "skipped"]
    done = [(o.key, *row_values(o), run) for o in listed if o.status != "skipped"]
    try:
        if skipped:
            db.executemany(_SKIPPED, skipped)
        if done:
            db.executemany(_INSERT, done)
    except sqlite3.Error as exc:
        raise LedgerError(f"{LEDGER_NAME}: cannot record the run: {exc}") from exc


_PREVIOUS = f"SELECT {', '.join(COLUMNS)} FROM figures WHERE key = ? AND status != 'failed'"
_DEFAULTS: tuple[Any, ...] = tuple("" if f.default is MISSING else f.default for f in fields(Outcome))


def previous(db: sqlite3.Connection | None, figid: str) -> Outcome | None:
    """The last good conversion of ``figid`` (its row as the ledger has it), if the ledger has one."""
    row = db.execute(_PREVIOUS, (figid,)).fetchone() if db is not None else None
    if not row:
        return None
    values = zip(row, _DEFAULTS, strict=True)
    return Outcome(*(default if value is None else value for value, default in values))


@dataclass(frozen=True)
class PushRow:
    """A figure's pull request as the ledger has it: the draft's hash, where, and its state."""

    sha256: str
    repo: str
    pr_url: str
    state: str  # pushed | closed | failed


def push_row(outdir: Path, figid: str) -> PushRow | None:
    """What the ledger of OUTDIR recorded for pushing ``figid``, if anything."""
    try:
        db = read_only(outdir)
        if db is None:
            return None
        with contextlib.closing(db):
            sql = "SELECT sha256, repo, pr_url, state FROM pushes WHERE figid = ?"
            row = db.execute(sql, (figid,)).fetchone()
    except sqlite3.Error:  # no pushes table yet, or an unreadable file: as if unrecorded
        return None
    return PushRow(str(row[0]), str(row[1]), str(row[2] or ""), str(row[3])) if row else None


def related_of(outdir: Path, figid: str) -> list[dict[str, Any]]:
    """The related WikiPathways pathways the ledger of OUTDIR holds for ``figid`` (batch --wikipathways)."""
    try:
        db = read_only(outdir)
        if db is None:
            return []
        with contextlib.closing(db):
            row = db.execute("SELECT related FROM figures WHERE key = ?", (figid,)).fetchone()
    except sqlite3.Error:  # an older ledger, or none: nothing known
        return []
    try:
        found = json.loads(row[0]) if row and row[0] else []
    except ValueError:
        return []
    return found if isinstance(found, list) else []


def record_push(outdir: Path, row: tuple[str, str, str, str, str, str, str]) -> None:
    """Record a push: (figid, sha256, repo, branch, pr_url, state, updated). Raises LedgerError."""
    with contextlib.closing(open_ledger(outdir)) as db:
        try:
            with db:
                db.execute("INSERT OR REPLACE INTO pushes VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        except sqlite3.Error as exc:
            raise LedgerError(f"{outdir / LEDGER_NAME}: cannot record the push: {exc}") from exc


_HELD: dict[str, tuple[int, int]] = {}  # lock path -> (file descriptor, holders in this process)


@contextlib.contextmanager
def locked(outdir: Path) -> Iterator[None]:
    """Hold OUTDIR for this run: OutdirBusy at once, naming the other run's process, when another holds it.

    The lock (``flock`` on ``OUTDIR/pfocr2gpml.lock``) ends with the process, however it ends, so a killed
    run never leaves OUTDIR locked. Nested holds in one process share the lock.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    path = os.path.realpath(outdir / LOCK_NAME)
    if path in _HELD:
        fd, count = _HELD[path]
        _HELD[path] = (fd, count + 1)
    else:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise OutdirBusy(
                f"{outdir} is in use by another pfocr2gpml run (process {holder}); wait for it to finish, "
                "or write to another folder"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _HELD[path] = (fd, 1)
    try:
        yield
    finally:
        fd, count = _HELD[path]
        if count > 1:
            _HELD[path] = (fd, count - 1)
        else:
            del _HELD[path]
            os.close(fd)  # releases the lock

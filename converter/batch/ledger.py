"""The run ledger: one SQLite file in OUTDIR (``pfocr2gpml.sqlite``) that batch and push share.

Three tables: ``figures`` (one row per input of a batch: what became of it, the hashes resume relies on),
``runs`` (the latest batch run) and ``pushes`` (one row per figure pushed to GitHub). This module owns their
schema and every statement on them; an older ledger gains the columns added since.
"""

from __future__ import annotations

import contextlib
import operator
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ..defaults import LEDGER_NAME

__all__ = [
    "COLUMNS",
    "LEDGER_NAME",
    "Outcome",
    "Previous",
    "PushRow",
    "latest_rows",
    "open_ledger",
    "push_row",
    "record_outcomes",
    "record_push",
    "start_run",
]


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


#: The ``figures`` columns, in Outcome's order.
COLUMNS = tuple(f.name for f in fields(Outcome))
_SQL_TYPES = {"int": "INTEGER", "float": "REAL", "str": "TEXT"}  # Outcome's annotations, as text
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS figures (
    {", ".join(f"{f.name} {_SQL_TYPES[str(f.type)]}" for f in fields(Outcome) if f.name != "source")},
    source TEXT NOT NULL,
    run TEXT NOT NULL,
    PRIMARY KEY (source)
);
CREATE INDEX IF NOT EXISTS figures_run ON figures (run);
CREATE TABLE IF NOT EXISTS runs (run TEXT PRIMARY KEY, started TEXT);
CREATE TABLE IF NOT EXISTS pushes (
    figid TEXT PRIMARY KEY, sha256 TEXT, repo TEXT, branch TEXT, pr_url TEXT, state TEXT, updated TEXT
);
"""
_INSERT = (
    f"INSERT OR REPLACE INTO figures ({', '.join(COLUMNS)}, run) VALUES ({', '.join('?' * len(COLUMNS))}, ?)"
)
_values = operator.attrgetter(*COLUMNS)


def open_ledger(outdir: Path) -> sqlite3.Connection:
    """The ledger of OUTDIR, created on first use, in WAL mode (readers while the batch writes)."""
    outdir.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(outdir / LEDGER_NAME, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    # A ledger written by an older version lacks the newer columns: add them, empty.
    present = {row[1] for row in db.execute("PRAGMA table_info(figures)")}
    for f in fields(Outcome):
        if f.name not in present:
            db.execute(f"ALTER TABLE figures ADD COLUMN {f.name} {_SQL_TYPES[str(f.type)]}")
    return db


def read_only(outdir: Path) -> sqlite3.Connection | None:
    """A read-only connection to OUTDIR's ledger (a batch worker's, or push's), or None without one."""
    path = outdir / LEDGER_NAME
    if not path.is_file():
        return None
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def start_run(db: sqlite3.Connection, run: str, started: str) -> None:
    """Make ``run`` the ledger's latest run (the reports show the latest run's figures)."""
    db.execute("DELETE FROM runs")
    db.execute("INSERT INTO runs VALUES (?, ?)", (run, started))
    db.commit()


def record_outcomes(db: sqlite3.Connection, outcomes: Iterable[Outcome], run: str) -> None:
    """Write a chunk's outcomes (one statement each kind, not one per row); the caller commits."""
    # A skipped figure keeps the details of the conversion that made its file; only the run changes.
    listed = list(outcomes)
    skipped = [(run, o.source) for o in listed if o.status == "skipped"]
    done = [(*_values(o), run) for o in listed if o.status != "skipped"]
    if skipped:
        db.executemany("UPDATE figures SET status = 'skipped', run = ? WHERE source = ?", skipped)
    if done:
        db.executemany(_INSERT, done)


@dataclass(frozen=True)
class Previous:
    """The last good conversion of an input: what it was made from and what it wrote."""

    input_sha256: str
    output_sha256: str
    output: str


_PREVIOUS = "SELECT input_sha256, output_sha256, output FROM figures WHERE source = ? AND status != 'failed'"


def previous(db: sqlite3.Connection | None, source: str) -> Previous | None:
    """The last good conversion of ``source``, if the ledger has one."""
    row = db.execute(_PREVIOUS, (source,)).fetchone() if db is not None else None
    return Previous(*row) if row else None


def latest_rows(outdir: Path) -> Iterator[tuple[Any, ...]]:
    """The ``figures`` rows (in :data:`COLUMNS` order) of the latest run, in source order."""
    db = open_ledger(outdir)
    try:
        run = db.execute("SELECT run FROM runs").fetchone()
        if run is None:
            return
        query = f"SELECT {', '.join(COLUMNS)} FROM figures WHERE run = ? ORDER BY source"
        yield from db.execute(query, run)
    finally:
        db.close()


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


def record_push(outdir: Path, row: tuple[str, str, str, str, str, str, str]) -> None:
    """Record a push: (figid, sha256, repo, branch, pr_url, state, updated). Raises sqlite3.Error."""
    with contextlib.closing(open_ledger(outdir)) as db, db:
        db.execute("INSERT OR REPLACE INTO pushes VALUES (?, ?, ?, ?, ?, ?, ?)", row)

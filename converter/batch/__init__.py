"""Batch export of a whole corpus: parallel, resumable, every input accounted for, with reports.

:mod:`.run` converts (worker processes, resume), :mod:`.ledger` keeps the SQLite ledger batch and push
share, :mod:`.reports` writes report.json, report.tsv and, through :mod:`.page`, index.html as the run goes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .ledger import LEDGER_NAME, Outcome, locked
    from .reports import ReportWriter
    from .run import run_batch

#: Public name -> its module, imported on first use: push needs the ledger, not the workers or the page.
_WHERE = {
    "LEDGER_NAME": "ledger", "Outcome": "ledger", "locked": "ledger",
    "ReportWriter": "reports", "run_batch": "run",
}  # fmt: skip

__all__ = ["LEDGER_NAME", "Outcome", "ReportWriter", "locked", "run_batch"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_WHERE[name]}", __name__), name)

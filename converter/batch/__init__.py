"""Batch export of a whole corpus: parallel, resumable, every input accounted for, with reports.

:mod:`.run` converts (worker processes, resume), :mod:`.ledger` keeps the SQLite ledger batch and push
share, :mod:`.reports` writes report.json, report.tsv and, through :mod:`.page`, index.html.
"""

from .ledger import LEDGER_NAME, Outcome, locked
from .reports import write_reports
from .run import PREVIEWS, run_batch

__all__ = ["LEDGER_NAME", "PREVIEWS", "Outcome", "locked", "run_batch", "write_reports"]

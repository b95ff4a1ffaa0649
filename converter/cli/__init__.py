"""The ``pfocr2gpml`` command line, the only part of pfocr2gpml that parses arguments and prints.

:mod:`.app` holds the commands (``batch`` in :mod:`.batch`), :mod:`.options` reads their options into the
library's values, and :mod:`.output` prints (one-line errors, output a closed pipe does not stop, the
progress bar).
"""

from .app import app, main

__all__ = ["app", "main"]

"""Defaults that the command line and the library share, in one place that imports nothing.

The CLI reads them for its ``--help`` without loading the library (start-up stays fast), and the library
uses the same values, so no default is ever restated.
"""

__all__ = ["DEFAULT_AUTHOR"]

#: The Author of a draft when the curator names none (``--author``).
DEFAULT_AUTHOR = "PFOCR"

"""Defaults that the command line and the library share, in one place that imports nothing.

The CLI reads them for its ``--help`` without loading the library (start-up stays fast), and the library
uses the same values, so no default is ever restated.
"""

__all__ = [
    "DATA_ENV",
    "DATA_FOLDER_NAME",
    "DEFAULT_API",
    "DEFAULT_AUTHOR",
    "DEFAULT_BASE",
    "DEFAULT_MAX_PRS",
    "DEFAULT_PATH_TEMPLATE",
    "DEFAULT_REPO",
    "FEW_DRAFTS",
    "LEDGER_NAME",
]

#: The Author of a draft when the curator names none (``--author``).
DEFAULT_AUTHOR = "PFOCR"
#: The SQLite ledger that batch (conversions) and push (pull requests) keep inside an OUTDIR.
LEDGER_NAME = "pfocr2gpml.sqlite"
#: Where push sends pull requests: WikiPathways' repository, its branch, and the path of a draft in it.
DEFAULT_REPO = "wikipathways/wikipathways-database"
DEFAULT_BASE = "main"
DEFAULT_PATH_TEMPLATE = "pathways/{figid}/{figid}.gpml"
DEFAULT_API = "https://api.github.com"
#: New pull requests one push run opens at most.
DEFAULT_MAX_PRS = 5
#: Pushing more drafts than this asks for confirmation (or --yes).
FEW_DRAFTS = 3
#: The environment variable naming the data folder (imported gene tables); else the user data folder.
DATA_ENV = "PFOCR2GPML_DATA"
#: The data folder's name inside the platform's user data folder.
DATA_FOLDER_NAME = "pfocr2gpml"

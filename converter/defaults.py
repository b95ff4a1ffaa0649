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
    "DEFAULT_IDCONV_URL",
    "DEFAULT_MAX_PRS",
    "DEFAULT_MYGENE_URL",
    "DEFAULT_PATH_TEMPLATE",
    "DEFAULT_RELATED_TOP",
    "DEFAULT_REPO",
    "EMAIL_ENV",
    "FEW_DRAFTS",
    "IDCONV_NAME",
    "IDCONV_URL_ENV",
    "LEDGER_NAME",
    "MYGENE_NAME",
    "MYGENE_URL_ENV",
    "ONLINE_CACHE_NAME",
    "ONLINE_TOOL",
    "PREVIEWS",
]

#: The Author of a draft when the curator names none (``--author``).
DEFAULT_AUTHOR = "PFOCR"
#: The SQLite ledger that batch (conversions) and push (pull requests) keep inside an OUTDIR.
LEDGER_NAME = "pfocr2gpml.sqlite"
#: The folder of a batch's SVG previews inside its OUTDIR (``previews/<figid>.svg``).
PREVIEWS = "previews"
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

#: ``--online``: MyGene.info's batch gene query (its ``/v3`` root; requests go to ``<root>/query``), and the
#: environment variable that points it elsewhere (a mirror, a test server).
DEFAULT_MYGENE_URL = "https://mygene.info/v3"
MYGENE_URL_ENV = "PFOCR2GPML_MYGENE_URL"
MYGENE_NAME = "MyGene.info"
#: ``--online``: NCBI's PMC ID Converter (PMCID -> PMID), its current endpoint, and the variable for another.
DEFAULT_IDCONV_URL = "https://pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/"
IDCONV_URL_ENV = "PFOCR2GPML_IDCONV_URL"
IDCONV_NAME = "NCBI's PMC ID Converter"
#: NCBI asks every program calling its services to name itself (``tool``) and a contact (``email``).
ONLINE_TOOL = "pfocr2gpml"
EMAIL_ENV = "PFOCR2GPML_EMAIL"
#: The SQLite file in the data folder that keeps online answers, so a second run asks nothing again.
ONLINE_CACHE_NAME = "online-cache.sqlite"
#: How many related WikiPathways pathways `related` lists per draft (``--top``).
DEFAULT_RELATED_TOP = 5

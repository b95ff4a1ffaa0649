"""What WikiPathways asks of a pathway, in one place: the draft is built to it, the rules check it.

These are facts about WikiPathways' repository and its pull-request and post-merge jobs (see the README's
"What WikiPathways' pipeline needs"), not choices of this tool.
"""

__all__ = [
    "AUTHOR_LIST",
    "DATA_SOURCE",
    "DESCRIPTION_SOURCE",
    "FORMATTED_LITERATURE",
    "MIN_DESCRIPTION_WORDS",
    "MIN_TITLE",
    "NEW_PATHWAY_ID",
    "new_pathway_version",
]

#: The title check of the pull-request job.
MIN_TITLE = 10
#: The description check of the pull-request job, which counts the words of the description's first line.
MIN_DESCRIPTION_WORDS = 15
#: The Source of the Comment that is the pathway's description.
DESCRIPTION_SOURCE = "WikiPathways-description"
#: Live pathways all say so, and a merged draft is a WikiPathways pathway; nothing in the pipeline reads it.
DATA_SOURCE = "WikiPathways"
#: A new pathway has no WP id until the editors assign one: its Version is ``WP0_r<YYYYMMDDHHMMSS>``.
NEW_PATHWAY_ID = "WP0"
#: The literature databases the bibliography job formats citations for (compared case-insensitively).
FORMATTED_LITERATURE = ("PubMed", "DOI", "ISBN")
#: Where the repository lists the user names its authors job accepts.
AUTHOR_LIST = "scripts/author_list.csv"


def new_pathway_version(timestamp: str) -> str:
    """The Version of a new pathway last modified at ``timestamp`` (``YYYYMMDDHHMMSS``): ``WP0_r<timestamp>``,
    which the metadata job splits on ``_``."""
    return f"{NEW_PATHWAY_ID}_r{timestamp}"

"""Every outbound link pfocr2gpml writes: into drafts, reports, the report page and pull requests.

Example: ``pfocr_figure("PMC10796104__AD-15-1-186-g1")`` is
``https://pfocr.wikipathways.org/figures/PMC10796104__AD-15-1-186-g1.html``.
"""

from __future__ import annotations

__all__ = [
    "DOI_RESOLVER",
    "PFOCR_FIGURES",
    "TITLE_GUIDELINES",
    "WIKIPATHWAYS_PATHWAYS",
    "disease_ontology",
    "doi",
    "mesh",
    "paper",
    "pfocr_figure",
    "pmc_figure",
    "wikipathways_pathway",
]

#: A figure's page on PFOCR is this followed by ``<figid>.html`` (the report page builds it from this too).
PFOCR_FIGURES = "https://pfocr.wikipathways.org/figures/"
#: A DOI's link is this followed by the DOI (the report page stores ``doi:<doi>`` and builds it from this).
DOI_RESOLVER = "https://doi.org/"
PMC = "https://www.ncbi.nlm.nih.gov"
#: WikiPathways' guidelines for pathway titles, linked from the reviewer checklist.
TITLE_GUIDELINES = "https://github.com/wikipathways/wikipathways-faq/discussions/24"


def pfocr_figure(figid: str) -> str:
    """The figure's page on pfocr.wikipathways.org."""
    return f"{PFOCR_FIGURES}{figid}.html"


def doi(identifier: str) -> str:
    """The paper behind a DOI. Example: ``doi("10.14336/AD.2023.0515")``."""
    return DOI_RESOLVER + identifier


def pmc_figure(pmcid: str, figlink: str = "", filename: str = "") -> str:
    """The figure in PMC: its figure page when PFOCR knows it (``figlink``), else its image, else the
    article; ``""`` without a PMCID."""
    if figlink.startswith("/pmc/articles/"):
        return PMC + figlink.rstrip("/")
    if pmcid and filename:
        return f"{PMC}/pmc/articles/{pmcid}/bin/{filename}"
    return f"{PMC}/pmc/articles/{pmcid}" if pmcid else ""


def paper(doi_: str, pmcid: str, figlink: str = "", filename: str = "") -> str:
    """The paper: by its DOI when known, else the figure in PMC."""
    return doi(doi_) if doi_ else pmc_figure(pmcid, figlink, filename)


#: A WikiPathways pathway's page is this followed by its WP id (the report page builds it from this).
WIKIPATHWAYS_PATHWAYS = "https://www.wikipathways.org/pathways/"


def wikipathways_pathway(wpid: str) -> str:
    """A WikiPathways pathway's page. Example: ``wikipathways_pathway("WP554")``."""
    return f"{WIKIPATHWAYS_PATHWAYS}{wpid}.html"


def disease_ontology(doid: str) -> str:
    """A Disease Ontology term's page. Example: ``disease_ontology("DOID:1612")``."""
    return f"https://disease-ontology.org/?id={doid}"


def mesh(identifier: str) -> str:
    """A MeSH descriptor's page. Example: ``mesh("D005227")``."""
    return f"https://meshb.nlm.nih.gov/record/ui?ui={identifier}"

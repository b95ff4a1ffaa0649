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
    "ORGANISMS",
    "TAXIDS",
    "new_pathway_version",
    "organism_named",
    "taxid_of",
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


#: The organisms WikiPathways has gene databases for (its pipeline's BridgeDb list) and those its live
#: pathways name (wikipathways-database at c0aa5fd), in the spelling WikiPathways uses.
ORGANISMS = (
    "Acetobacterium woodii", "Anopheles gambiae", "Arabidopsis thaliana", "Aspergillus niger",
    "Bacillus subtilis", "Beta vulgaris", "Bos taurus", "Brassica napus", "Caenorhabditis elegans",
    "Canis familiaris", "Caulobacter vibrioides", "Ciona intestinalis", "Citrus sinensis", "Coffea arabica",
    "Danio rerio", "Daphnia magna", "Daphnia pulex", "Drosophila melanogaster", "Equus caballus",
    "Escherichia coli", "Fusarium graminearum", "Gadus morhua", "Gallus gallus", "Gibberella zeae",
    "Glycine max", "Homo sapiens", "Hordeum vulgare", "Ilex paraguariensis", "Macaca mulatta",
    "Mus musculus", "Mycobacterium tuberculosis", "Nicotiana tabacum", "Ornithorhynchus anatinus",
    "Oryza indica", "Oryza japonica", "Oryza sativa", "Ovis aries", "Pan troglodytes", "Paullinia cupana",
    "Perilla frutescens", "Plasmodium falciparum", "Populus trichocarpa", "Rattus norvegicus",
    "Saccharomyces cerevisiae", "Solanum lycopersicum", "Sus scrofa", "Theobroma cacao",
    "Triticum aestivum", "Vitis vinifera", "Xenopus tropicalis", "Zea mays",
)  # fmt: skip
_BY_FOLDED = {name.casefold(): name for name in ORGANISMS}


def organism_named(text: str) -> str:
    """The organism as WikiPathways spells it, matched whatever the case and spacing (``homo  Sapiens`` is
    ``Homo sapiens``); ValueError listing the known ones for any other name."""
    found = _BY_FOLDED.get(" ".join(text.split()).casefold())
    if found is None:
        raise ValueError(f"unknown organism {text!r}; WikiPathways knows: {', '.join(ORGANISMS)}")
    return found


#: NCBI Gene (and so MyGene) keeps some species' genes under a reference strain: budding yeast under S288C
#: (559292), E. coli under K-12 MG1655 (511145), and so on.
#: Organism, as WikiPathways spells it -> the taxid of its genes in NCBI Gene.
TAXIDS: dict[str, int] = {
    "Homo sapiens": 9606, "Mus musculus": 10090, "Rattus norvegicus": 10116,
    "Danio rerio": 7955, "Drosophila melanogaster": 7227, "Caenorhabditis elegans": 6239,
    "Saccharomyces cerevisiae": 559292, "Arabidopsis thaliana": 3702,
    "Escherichia coli": 511145, "Bacillus subtilis": 224308, "Mycobacterium tuberculosis": 83332,
    "Bos taurus": 9913, "Canis familiaris": 9615, "Equus caballus": 9796, "Gallus gallus": 9031,
    "Macaca mulatta": 9544, "Ornithorhynchus anatinus": 9258, "Ovis aries": 9940, "Pan troglodytes": 9598,
    "Sus scrofa": 9823, "Xenopus tropicalis": 8364, "Gadus morhua": 8049, "Ciona intestinalis": 7719,
    "Daphnia pulex": 6669, "Plasmodium falciparum": 36329, "Oryza sativa": 39947, "Zea mays": 4577,
    "Glycine max": 3847, "Solanum lycopersicum": 4081, "Vitis vinifera": 29760, "Populus trichocarpa": 3694,
    "Triticum aestivum": 4565, "Nicotiana tabacum": 4097, "Brassica napus": 3708,
}  # fmt: skip


def taxid_of(organism: str) -> int | None:
    """The NCBI Taxonomy id for an organism (WikiPathways' spelling), or None when pfocr2gpml knows none."""
    return TAXIDS.get(organism)

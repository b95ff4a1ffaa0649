"""The NCBI Taxonomy id MyGene files an organism's genes under, for the organisms WikiPathways names.

NCBI Gene (and so MyGene) keeps some species' genes under a reference strain: budding yeast under S288C
(559292), E. coli under K-12 MG1655 (511145), and so on, as :data:`converter.gene_info.TAXA` does.

Example: ``taxid_of("Drosophila melanogaster") == 7227``; ``taxid_of("Homo erectus") is None``.
"""

from __future__ import annotations

__all__ = ["TAXIDS", "taxid_of"]

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

"""Which WikiPathways pathways already cover a figure: drafts ranked against the pathways by shared genes.

- :mod:`.xrefs`: a gene Xref of an organism as an Entrez Gene id, through the gene tables.
- :mod:`.genesets`: any GPML file as a :class:`GeneSet` (Entrez Gene ids, unmapped gene nodes counted).
- :mod:`.index`: the pathways of PATH (a wikipathways-database checkout, GPML files, a GMT file) by organism.
- :mod:`.cache`: that index kept in the data folder, rebuilt when PATH changes.
- :mod:`.score`: hypergeometric p-value and Jaccard; :func:`related` ranks one draft's genes.

Example, once per run and then per draft::

    index = load_index(Path("wikipathways-database"))
    ranking = rank_gene_set(read_gene_set(Path("drafts/PMC1__f1.gpml")), index, top=5)
"""

from .cache import load_index
from .genesets import GeneSet, organism_key, pathway_gene_set, read_gene_set
from .index import OrganismSets, RelatedError, RelatedIndex, build_index
from .score import Match, Ranking, jaccard, log_hypergeom_sf, rank_gene_set, related

__all__ = [
    "GeneSet",
    "Match",
    "OrganismSets",
    "Ranking",
    "RelatedError",
    "RelatedIndex",
    "build_index",
    "jaccard",
    "load_index",
    "log_hypergeom_sf",
    "organism_key",
    "pathway_gene_set",
    "rank_gene_set",
    "read_gene_set",
    "related",
]

